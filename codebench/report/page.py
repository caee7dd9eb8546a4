"""The static leaderboard page: one folder that opens from disk with no external assets
(plots inlined): `index.html` (overview, breakdowns, the task x model matrix, plots,
provenance), one page per attempt under `attempts/`, and `metrics.html`, the definitions."""

from __future__ import annotations

import base64
import multiprocessing
import os
from collections.abc import Sequence
from pathlib import Path

from codebench.io import write_text_atomic
from codebench.report import plots
from codebench.report.attempt_page import GoldView, gold_view, render_attempt
from codebench.report.leaderboard import NOT_COMPARABLE, Leaderboard, ModelEntry
from codebench.report.metrics_doc import metrics_page
from codebench.report.page_agents import tries_and_agents
from codebench.report.page_assets import SCRIPT, STYLE
from codebench.report.page_cells import METRICS_DOC, esc
from codebench.report.page_inputs import Attempt, PageInputs
from codebench.report.page_matrix import AttemptLinks, breakdown, matrix
from codebench.report.page_origins import origin_breakdowns
from codebench.report.page_overview import legend, overview_table

ATTEMPTS_DIR = "attempts"
PARALLEL_FROM = 2000  # attempts: fewer are written faster than a fork is made
MAX_JOBS = 4
VIOLATIONS_NOTE = (
    "violations: attempts that gamed (or tried to game) the grader, as count (share of the "
    "samples); - when the slice has no samples or the leaderboard predates the check."
)


def _comparability(boards: list[Leaderboard]) -> str:
    """A flagged paragraph when some model did not submit every task of its leaderboard."""
    if all(entry.task_set_matches for board in boards for entry in board.models):
        return ""
    return f"<p class='partial'>{esc(NOT_COMPARABLE)}</p>"


def _image(title: str, png: bytes) -> str:
    data = base64.b64encode(png).decode()
    label = esc(title)
    return f'<img alt="{label}" title="{label}" src="data:image/png;base64,{data}">'


def _plots(models: list[ModelEntry], trend_png: bytes | None) -> str:
    shown = [
        ("resolved rate vs out-of-scope churn", plots.resolved_vs_churn(models)),
        ("local vs global", plots.local_vs_global(models)),
        ("cost vs resolved rate", plots.cost_vs_resolved(models)),
        ("resolved rate, night after night", trend_png),
    ]
    images = "".join(_image(title, png) for title, png in shown if png is not None)
    return f"<h2>Plots</h2><div class='plots'>{images}</div>"


def _model_section(entry: ModelEntry, anchor: str) -> str:
    counts = ", ".join(f"{s.value} {n}" for s, n in entry.status_counts.items() if n) or "-"
    passes = ", ".join(f"pass@{k} {v:.1%}" for k, v in entry.pass_at_k.items()) or "-"
    rules = ""
    if entry.integrity_violations is not None:
        fired = entry.integrity_violations.by_rule.items()
        rules = ", ".join(f"{r.value} {n}" for r, n in fired if n)
    return (
        f"<section id='{esc(anchor)}'><h3>{esc(entry.model)}</h3><ul>"
        f"<li>{entry.submitted_tasks} tasks submitted of {entry.tasks}, {entry.samples} samples"
        f"</li><li>statuses: {esc(counts)}</li><li>{esc(passes)}</li>"
        f"<li>tokens: {entry.input_tokens:,} in, {entry.output_tokens:,} out</li>"
        + (f"<li class='violation'>integrity rules fired: {esc(rules)}</li>" if rules else "")
        + "</ul></section>"
    )


def _provenance(board: Leaderboard) -> str:
    p = board.provenance
    facts = [
        ("suite", board.suite or "-"),
        ("built", board.created_at.isoformat()),
        (
            "codebench",
            f"{board.codebench_version} (harness {board.harness_version}, "
            f"analysis {p.analysis_version})",
        ),
        ("git commit of the tasks", p.git_commit or "unknown"),
        ("suite hash", p.suite_hash),
        ("images", ", ".join(p.image_ids) or "-"),
        ("settings", p.settings.model_dump_json() if p.settings else "unknown"),
        ("damaged results left out", str(p.skipped_results)),
    ]
    if p.task_dates is not None:
        d = p.task_dates
        facts.append(("tasks created", f"{d.earliest} to {d.latest} ({d.undated} undated)"))
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in facts)
    return f"<table class='provenance'><tbody>{rows}</tbody></table>"


def attempt_href(number: int) -> str:
    """The page of the attempt at this position, relative to index.html (named by position:
    task ids and model specs may hold anything)."""
    return f"{ATTEMPTS_DIR}/{number}.html"


def attempt_links(attempts: Sequence[Attempt]) -> dict[tuple[str, str, int], str]:
    """(task id, model, sample) -> its attempt's page (the first, should two runs hold it)."""
    links: dict[tuple[str, str, int], str] = {}
    for number, attempt in enumerate(attempts):
        key = (attempt.result.task_id, attempt.result.model, attempt.result.sample)
        links.setdefault(key, attempt_href(number))
    return links


def _write_attempts(out_dir: Path, inputs: PageInputs, part: int = 0, parts: int = 1) -> None:
    """Write every `parts`-th attempt page, from the `part`-th (the gold patch laid out once
    per task)."""
    golds: dict[str, GoldView | None] = {}
    for number in range(part, len(inputs.attempts), parts):
        attempt = inputs.attempts[number]
        task_id = attempt.result.task_id
        task = inputs.tasks.get(task_id)
        if task_id not in golds:
            golds[task_id] = gold_view(task)
        page = render_attempt(attempt, task, golds[task_id])
        (out_dir / attempt_href(number)).write_text(page, encoding="utf-8")


def write_attempts(out_dir: Path, inputs: PageInputs, jobs: int | None = None) -> None:
    """Write the attempt pages, in `jobs` processes (default: one per core, for 2,000 attempts
    or more) forked from this one, so that nothing is pickled.

    Raises:
        OSError: a page cannot be written (in this process or a forked one).
    """
    if not inputs.attempts:
        return
    (out_dir / ATTEMPTS_DIR).mkdir(exist_ok=True)
    if jobs is None:
        jobs = min(os.cpu_count() or 1, MAX_JOBS) if len(inputs.attempts) >= PARALLEL_FROM else 1
    if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
        _write_attempts(out_dir, inputs)
        return
    context = multiprocessing.get_context("fork")
    forked = [
        context.Process(target=_write_attempts, args=(out_dir, inputs, part, jobs))
        for part in range(1, jobs)
    ]
    for process in forked:
        process.start()
    _write_attempts(out_dir, inputs, 0, jobs)
    for process in forked:
        process.join()
    failed = [p.exitcode for p in forked if p.exitcode != 0]
    if failed:
        raise OSError(f"writing the attempt pages in {out_dir} failed in a worker ({failed})")


def render_page(
    boards: list[Leaderboard],
    trend_png: bytes | None = None,
    inputs: PageInputs | None = None,
    links: AttemptLinks | None = None,
    metrics_doc: bool = False,
) -> str:
    """`index.html` for one or more leaderboards (with a trend plot of the nightly history,
    the tasks of `inputs`, the attempts' pages `links`, a link to `metrics.html`)."""
    inputs = inputs or PageInputs()
    links = links or {}
    entries = [(board, entry) for board in boards for entry in board.models]
    models = [entry for _, entry in entries]
    anchored = [(b, e, f"model-{n}") for n, (b, e) in enumerate(entries)]
    tasks = len({t.id for board in boards for t in board.tasks})
    created = max(board.created_at for board in boards).isoformat() if boards else "-"
    sections = "".join(_model_section(e, a) for _, e, a in anchored)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>codebench leaderboard</title><style>{STYLE}</style></head><body>"
        f"<h1>codebench leaderboard</h1><p>{len(models)} model(s) on {tasks} task(s); built "
        f"{esc(created)}. Click a column (or focus it and press Enter) to sort, best first.</p>"
        f"<p>{esc(VIOLATIONS_NOTE)}</p>{_comparability(boards)}"
        f"<h2>Overview</h2>{overview_table(anchored)}{legend(metrics_doc)}"
        f"<h2>By scope</h2>{breakdown(boards, 'scope')}"
        f"<h2>By category</h2>{breakdown(boards, 'category')}"
        f"{origin_breakdowns(boards)}"
        f"<h2>Tasks x models</h2>{matrix(boards, inputs.tasks, links)}"
        f"{tries_and_agents(models)}{_plots(models, trend_png)}"
        f"<h2>Models</h2>{sections}<h2>Provenance</h2>"
        + "".join(_provenance(board) for board in boards)
        + f"<script>{SCRIPT}</script></body></html>\n"
    )


def write_page(
    boards: list[Leaderboard],
    out_dir: Path,
    trend_png: bytes | None = None,
    inputs: PageInputs | None = None,
    jobs: int | None = None,
) -> Path:
    """Write `out_dir/index.html`, a page per attempt of `inputs` under `out_dir/attempts/`
    (in `jobs` processes, see `write_attempts`), and `out_dir/metrics.html`; return the
    index's path.

    Raises:
        OSError: a file cannot be written.
    """
    inputs = inputs or PageInputs()
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = metrics_page()
    if metrics is not None:
        write_text_atomic(out_dir / METRICS_DOC, metrics)
    write_attempts(out_dir, inputs, jobs)
    links = attempt_links(inputs.attempts)
    path = out_dir / "index.html"
    page = render_page(boards, trend_png, inputs, links, metrics_doc=metrics is not None)
    path.write_text(page, encoding="utf-8")
    return path
