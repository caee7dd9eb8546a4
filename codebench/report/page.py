"""The static leaderboard page: one folder that opens from disk with no external assets
(plots inlined): `index.html` (overview, breakdowns, the task x model matrix, plots,
provenance), one page per attempt under `attempts/`, and `metrics.html`, the definitions."""

from __future__ import annotations

import base64
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
from codebench.report.page_overview import legend, overview_table

ATTEMPTS_DIR = "attempts"
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


def attempt_links(attempts: tuple[Attempt, ...]) -> dict[tuple[str, str, int], str]:
    """Each attempt's page, relative to index.html (named by position: ids may hold anything)."""
    return {
        (a.result.task_id, a.result.model, a.result.sample): f"{ATTEMPTS_DIR}/{n}.html"
        for n, a in enumerate(attempts)
    }


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
) -> Path:
    """Write `out_dir/index.html`, a page per attempt of `inputs` under `out_dir/attempts/`,
    and `out_dir/metrics.html`; return the index's path.

    Raises:
        OSError: a file cannot be written.
    """
    inputs = inputs or PageInputs()
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = metrics_page()
    if metrics is not None:
        write_text_atomic(out_dir / METRICS_DOC, metrics)
    links = attempt_links(inputs.attempts)
    if inputs.attempts:
        (out_dir / ATTEMPTS_DIR).mkdir(exist_ok=True)
    golds: dict[str, GoldView | None] = {}
    for attempt, href in zip(inputs.attempts, links.values(), strict=True):
        task = inputs.tasks.get(attempt.result.task_id)
        if attempt.result.task_id not in golds:
            golds[attempt.result.task_id] = gold_view(task)
        page = render_attempt(attempt, task, golds[attempt.result.task_id])
        (out_dir / href).write_text(page, encoding="utf-8")
    path = out_dir / "index.html"
    page = render_page(boards, trend_png, inputs, links, metrics_doc=metrics is not None)
    path.write_text(page, encoding="utf-8")
    return path
