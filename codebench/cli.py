"""The `codebench` command line. It only wires the packages together."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from codebench.errors import CodebenchError
from codebench.paths import default_sandboxes_root, default_tasks_root
from codebench.sandbox import Backend

if TYPE_CHECKING:
    from codebench.report import Leaderboard

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="A benchmark for models that edit code."
)
tasks_app = typer.Typer(no_args_is_help=True, help="List and validate task suites.")
app.add_typer(tasks_app, name="tasks")
console = Console(stderr=True)
out = Console()
if not out.is_terminal:  # logs and pipes: wide enough for the tables, never truncated
    out = Console(width=120)

SuiteOpt = Annotated[
    str, typer.Option("--suite", help="Task suite: a folder under the tasks root.")
]
TasksRootOpt = Annotated[
    Path | None, typer.Option("--tasks-dir", help="Tasks root (default: ./tasks).")
]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, help="Sandboxes at once.")]
BackendOpt = Annotated[
    str, typer.Option("--backend", help="docker, or local (UNSAFE: runs patches on the host).")
]
TaskOpt = Annotated[
    list[str] | None, typer.Option("--task", help="Only this task id (repeatable).")
]


def _log(message: str) -> None:
    console.print(f"[dim]{message}[/]")


def _backend(name: str) -> Backend:
    try:
        backend = Backend(name)
    except ValueError:
        raise CodebenchError(f"--backend must be docker or local, not {name!r}") from None
    if backend is Backend.LOCAL:
        console.print(
            "[bold red]WARNING: --backend local runs model-written code on this host "
            "without isolation. Use it for development only.[/]"
        )
    return backend


def _images(keys: set[str]) -> dict[str, str]:
    from codebench.sandbox.image import prepare_images

    return prepare_images(keys, default_sandboxes_root(), _log)


@app.command()
def setup(
    allow_no_docker: Annotated[
        bool, typer.Option(help="Warn instead of failing when no Docker engine can be had.")
    ] = False,
    install: Annotated[bool, typer.Option(help="Allow installing docker.io / debootstrap.")] = True,
) -> None:
    """Get a Docker engine (start or install one if root) and build every sandbox image."""
    from codebench.errors import EngineUnavailableError
    from codebench.sandbox.engine import ensure_engine
    from codebench.sandbox.image import prepare_images

    try:
        ensure_engine(_log, install=install)
        names = {p.name for p in default_sandboxes_root().iterdir() if (p / "Dockerfile").is_file()}
        images = prepare_images(names, default_sandboxes_root(), _log)
    except EngineUnavailableError as exc:
        if not allow_no_docker:
            raise
        console.print(
            f"[bold red]WARNING: NO DOCKER ENGINE: {exc}\nDocker tests will be SKIPPED.[/]"
        )
        return
    for name, image_id in sorted(images.items()):
        out.print(f"sandbox {name}: {image_id}")


@app.command("run")
def run_command(
    model: Annotated[
        list[str],
        typer.Option(
            "--model",
            help="Model spec (repeatable): gold, noop, partial, gold+reformat, gold+rename, "
            "gold+style, openai:<name>, replay:<predictions file>.",
        ),
    ],
    suite: SuiteOpt = "core",
    samples: Annotated[int, typer.Option(min=1, help="Attempts per task and model.")] = 1,
    workers: WorkersOpt = 2,
    run_dir: Annotated[
        Path | None, typer.Option(help="Run directory (default: runs/<suite>).")
    ] = None,
    backend: BackendOpt = "docker",
    task: TaskOpt = None,
    tasks_dir: TasksRootOpt = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint (else OPENAI_BASE_URL).")
    ] = None,
    edit_format: Annotated[
        str | None, typer.Option(help="udiff, search_replace or whole_file (else per model).")
    ] = None,
    cache: Annotated[bool, typer.Option(help="Reuse cached model replies.")] = True,
    model_workers: Annotated[int, typer.Option(min=1, help="Model calls at once.")] = 4,
    analysis: Annotated[
        bool, typer.Option(help="Analyse how each patch edits (--no-analysis: grade only).")
    ] = True,
    config: Annotated[
        Path | None, typer.Option(help="Configuration file (default: ./codebench.toml).")
    ] = None,
) -> None:
    """Run models on a suite; print the results table and the leaderboard's path."""
    from codebench.models import ModelOptions
    from codebench.models.cache import ResponseCache
    from codebench.models.config import load_config
    from codebench.models.formats import EditFormat
    from codebench.report import analysis_summary_table, results_table
    from codebench.runner import RunSettings, run
    from codebench.runner.nightly import NIGHTLY_TABLE

    try:
        chosen_format = EditFormat(edit_format) if edit_format else None
    except ValueError:
        raise CodebenchError(f"--edit-format must be one of {', '.join(EditFormat)}") from None
    options = ModelOptions(
        config=load_config(config, {NIGHTLY_TABLE}),
        base_url=base_url,
        edit_format=chosen_format,
        cache=ResponseCache(read=cache),
        model_calls=model_workers,
    )

    settings = RunSettings(
        suite=suite,
        tasks_root=tasks_dir or default_tasks_root(),
        run_dir=run_dir or Path("runs") / suite,
        model_specs=tuple(dict.fromkeys(model)),
        sandboxes_root=default_sandboxes_root(),
        samples=samples,
        workers=workers,
        backend=_backend(backend),
        task_ids=tuple(task or ()),
        model_options=options,
        analyse=analysis,
    )
    outcome = run(settings, _images, console)
    out.print(results_table(outcome.leaderboard))
    out.print(analysis_summary_table(outcome.leaderboard))
    out.print(f"{outcome.computed} attempt(s) evaluated, {outcome.reused} reused from earlier runs")
    out.print(f"leaderboard: {outcome.leaderboard_path}", soft_wrap=True, highlight=False)


@app.command()
def leaderboard(
    run_dirs: Annotated[list[Path], typer.Argument(help="One or more run directories.")],
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write (one run; default: RUN_DIR/leaderboard.json)."),
    ] = None,
    html_dir: Annotated[
        Path | None, typer.Option("--html", help="Also write a static page (index.html) here.")
    ] = None,
) -> None:
    """Write each run's leaderboard.json from its results; optionally one page for all."""
    from codebench.report import analysis_summary_table, results_table, write_leaderboard
    from codebench.report.page import write_page

    if output is not None and len(run_dirs) > 1:
        raise CodebenchError("--out names one file: give one run directory with it")
    boards = []
    for run_dir in run_dirs:
        board = _rebuilt_leaderboard(run_dir)
        path = write_leaderboard(board, output or run_dir / "leaderboard.json")
        out.print(results_table(board))
        out.print(analysis_summary_table(board))
        out.print(f"leaderboard: {path}", soft_wrap=True, highlight=False)
        boards.append(board)
    if html_dir is not None:
        page = write_page(boards, html_dir)
        out.print(f"page: {page}", soft_wrap=True, highlight=False)


def _rebuilt_leaderboard(run_dir: Path) -> Leaderboard:
    from codebench.report import build_leaderboard, load_leaderboard
    from codebench.runner import ResultStore

    results = list(ResultStore(run_dir))
    if not results:
        raise CodebenchError(f"{run_dir} holds no results (expected {run_dir}/results/...)")
    previous = run_dir / "leaderboard.json"
    suite = settings = commit = None
    if previous.is_file():
        try:
            old = load_leaderboard(previous)
            suite, settings, commit = old.suite, old.provenance.settings, old.provenance.git_commit
        except ValueError:
            pass  # an unreadable old file is simply rebuilt
    return build_leaderboard(results, suite=suite, settings=settings, git_commit=commit)


@app.command("analyze")
def analyze_command(
    repo: Annotated[Path, typer.Option(help="The repository the patch applies to.")],
    patch: Annotated[Path, typer.Option(help="The patch (unified diff) to analyse.")],
    gold: Annotated[Path | None, typer.Option(help="A reference patch to score against.")] = None,
    scope: Annotated[
        str | None, typer.Option(help="The task's declared scope (local/global), without --gold.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Analyse how a patch edits a Python repository: scope, churn, style drift, cross-file."""
    from codebench.analysis import AnalysisInputError, RepoTree, analyze
    from codebench.report.analysis_view import analysis_table
    from codebench.tasks import Scope

    if not repo.is_dir():
        raise CodebenchError(f"--repo {repo} is not a directory")
    texts = {}
    for option, path in (("--patch", patch), ("--gold", gold)):
        if path is not None:
            if not path.is_file():
                raise CodebenchError(f"{option} {path} does not exist")
            texts[option] = path.read_text(encoding="utf-8", errors="replace")
    try:
        declared = Scope(scope) if scope else None
    except ValueError:
        raise CodebenchError(f"--scope must be local or global, not {scope!r}") from None
    try:
        analysis = analyze(RepoTree.from_dir(repo), texts["--patch"], texts.get("--gold"), declared)
    except AnalysisInputError as exc:
        raise CodebenchError(f"{patch}: {exc}") from exc
    if as_json:
        out.print_json(analysis.model_dump_json())
    else:
        out.print(analysis_table(analysis))


@app.command("compare")
def compare_command(
    runs: Annotated[list[Path], typer.Argument(help="One run directory, or two (A then B).")],
    model_a: Annotated[str | None, typer.Option("--a", help="Model A's spec.")] = None,
    model_b: Annotated[str | None, typer.Option("--b", help="Model B's spec.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compare two models paired on shared tasks: wins, losses, ties, an interval, flips."""
    from codebench.report.compare import compare
    from codebench.runner import ResultStore

    if len(runs) not in (1, 2):
        raise CodebenchError("compare takes one run directory (two models) or two (A then B)")
    sides = []
    for index, (run_dir, wanted) in enumerate(
        zip([runs[0], runs[-1]], [model_a, model_b], strict=True)
    ):
        results = list(ResultStore(run_dir))
        models = sorted({r.model for r in results})
        if wanted is None and len(runs) == 2 and len(models) == 1:
            wanted = models[0]
        if wanted is None or wanted not in models:
            side = "AB"[index]
            has = ", ".join(models) or "none"
            raise CodebenchError(
                f"{run_dir}: choose model {side} with --{side.lower()} (has: {has})"
            )
        sides.append(([r for r in results if r.model == wanted], wanted))
    (a, name_a), (b, name_b) = sides
    result = compare(a, b, name_a, name_b)
    if as_json:
        out.print_json(result.model_dump_json())
        return
    out.print(
        f"{name_b} vs {name_a} on {result.shared_tasks} shared task(s): "
        f"{result.rate_b} vs {result.rate_a} resolved",
        markup=False,
        soft_wrap=True,
    )
    out.print(
        f"wins {result.wins}, losses {result.losses}, ties {result.ties}; "
        f"difference {result.difference} (95% CI {result.ci_low} .. {result.ci_high})",
        markup=False,
    )
    for flip in result.flipped:
        arrow = "better" if flip.b > flip.a else "worse"
        out.print(f"  {flip.task_id}: {flip.a:.2f} -> {flip.b:.2f} ({arrow})", markup=False)


@app.command()
def nightly(
    config: Annotated[Path, typer.Option(help="bench.toml with a [nightly] table.")] = Path(
        "bench.toml"
    ),
    night: Annotated[
        str | None, typer.Option("--date", help="The night's date (YYYY-MM-DD; default today).")
    ] = None,
) -> None:
    """Run every configured model on every configured suite; exit 1 on a regression."""
    from datetime import date

    from codebench.models import ModelOptions
    from codebench.models.cache import ResponseCache
    from codebench.models.config import load_config
    from codebench.runner.nightly import NIGHTLY_TABLE, load_nightly_config
    from codebench.runner.nightly import nightly as run_nightly

    settings = load_nightly_config(config)
    try:
        when = date.fromisoformat(night) if night else date.today()
    except ValueError:
        raise CodebenchError(f"--date must be YYYY-MM-DD, not {night!r}") from None
    options = ModelOptions(config=load_config(config, {NIGHTLY_TABLE}), cache=ResponseCache())
    outcome = run_nightly(settings, when, _images, console, options, default_sandboxes_root())
    out.print(f"night {when}: {len(outcome.run_dirs)} run(s); page: {outcome.page}", soft_wrap=True)
    out.print(f"history: {len(outcome.history.entries)} entries", highlight=False)
    if outcome.regressions:
        for line in outcome.regressions:
            out.print(f"[red]REGRESSION[/] {line}", soft_wrap=True)
        raise typer.Exit(1)


@app.command()
def schema(
    output: Annotated[Path, typer.Option("--out", help="Where to write the JSON Schema.")] = Path(
        "schema/leaderboard.schema.json"
    ),
) -> None:
    """Export the JSON Schema of leaderboard.json."""
    from codebench.report.leaderboard import leaderboard_schema

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(leaderboard_schema())
    out.print(f"wrote {output}", soft_wrap=True, highlight=False)


@app.command()
def show(
    run_dir: Annotated[Path, typer.Argument(help="A run directory.")],
    task: Annotated[str, typer.Option(help="The task id.")],
    model: Annotated[
        str | None, typer.Option(help="The model spec (if the run has several).")
    ] = None,
    sample: Annotated[int, typer.Option(min=0, help="The sample number.")] = 0,
) -> None:
    """Print one result for a person: status, tests, the patch, the analysis."""
    from codebench.report.show import render_result
    from codebench.runner import ResultStore

    found = [
        r
        for r in ResultStore(run_dir)
        if r.task_id == task and r.sample == sample and (model is None or r.model == model)
    ]
    if not found:
        raise CodebenchError(f"{run_dir} has no result for task {task!r} (sample {sample})")
    if len(found) > 1:
        models = ", ".join(sorted(r.model for r in found))
        raise CodebenchError(f"{task} was run by several models ({models}): pick one with --model")
    render_result(found[0], out)


@tasks_app.command("list")
def tasks_list(
    suite: SuiteOpt = "core",
    markdown: Annotated[bool, typer.Option(help="Print a Markdown table.")] = False,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """List a suite's tasks with scope and category."""
    from codebench.tasks import load_suite

    tasks = load_suite(suite, tasks_dir or default_tasks_root())
    if markdown:
        out.print("| task | scope | category | repo | title |", markup=False, highlight=False)
        out.print("|---|---|---|---|---|", markup=False)
        for t in tasks:
            cells = [f"`{t.id}`", t.scope.value, t.category.value, t.repo_dir.name, t.spec.title]
            out.print(
                "| " + " | ".join(cells) + " |", markup=False, highlight=False, soft_wrap=True
            )
        return
    for t in tasks:
        out.print(
            f"{t.id:48} {t.scope.value:7} {t.category.value:24} {t.spec.title}",
            markup=False,
            soft_wrap=True,
        )


@tasks_app.command("validate")
def tasks_validate(
    suite: SuiteOpt = "core",
    workers: WorkersOpt = 2,
    gold_runs: Annotated[
        int, typer.Option(min=1, help="Gold patch runs per task (flakiness).")
    ] = 3,
    backend: BackendOpt = "docker",
    task: TaskOpt = None,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """Prove each task gradable; exit 0 only if every task is valid."""
    from codebench.runner.evaluate import SandboxSettings
    from codebench.tasks import load_suite, select_tasks
    from codebench.tasks.validate_suite import validate_suite

    tasks = select_tasks(load_suite(suite, tasks_dir or default_tasks_root()), task or ())
    chosen = _backend(backend)
    images = {} if chosen is Backend.LOCAL else _images({t.spec.image for t in tasks})
    settings = SandboxSettings(chosen, images, slots=threading.Semaphore(workers))
    verdicts = validate_suite(
        tasks, settings, workers=workers, gold_runs=gold_runs, console=console
    )
    for verdict in verdicts:
        mark = "[green]valid[/]" if verdict.ok else "[red]INVALID[/]"
        out.print(f"{mark} {verdict.task_id}")
        for problem in verdict.problems:
            out.print(f"    - {problem}", markup=False, soft_wrap=True)
    bad = sum(not v.ok for v in verdicts)
    out.print(f"{len(verdicts) - bad}/{len(verdicts)} tasks valid ({gold_runs} gold run(s) each)")
    if bad:
        raise typer.Exit(1)


@tasks_app.command("scaffold")
def tasks_scaffold(
    task_id: Annotated[str, typer.Argument(help="The new task's id (its folder name).")],
    before: Annotated[Path, typer.Option(help="Working copy before the change.")],
    after: Annotated[Path, typer.Option(help="Working copy after: the fix and its tests.")],
    category: Annotated[str, typer.Option(help="bug_fix, feature, refactor, ...")],
    repo: Annotated[
        str | None, typer.Option(help="Share the starting tree as tasks/repos/REPO.")
    ] = None,
    suite: SuiteOpt = "core",
    title: Annotated[str | None, typer.Option(help="The task's title.")] = None,
    instruction: Annotated[str | None, typer.Option(help="The request the model sees.")] = None,
    backend: BackendOpt = "docker",
    tasks_dir: TasksRootOpt = None,
) -> None:
    """Write a task folder from a before/after pair; find FAIL_TO_PASS / PASS_TO_PASS."""
    from codebench.runner.evaluate import SandboxSettings
    from codebench.tasks import Category
    from codebench.tasks.scaffold import ScaffoldRequest, scaffold_task

    try:
        chosen_category = Category(category)
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise CodebenchError(f"--category must be one of {known}") from None
    root = tasks_dir or default_tasks_root()
    chosen = _backend(backend)
    images = {} if chosen is Backend.LOCAL else _images({"python"})
    request = ScaffoldRequest(
        task_id=task_id,
        before=before,
        after=after,
        task_dir=root / suite / task_id,
        category=chosen_category,
        repo_dir=root / "repos" / repo if repo else None,
        title=title,
        instruction=instruction,
    )
    result = scaffold_task(request, SandboxSettings(chosen, images))
    out.print(f"wrote {result.task_dir} (scope measured: {result.scope.value})", soft_wrap=True)
    out.print(f"FAIL_TO_PASS: {len(result.fail_to_pass)}, PASS_TO_PASS: {len(result.pass_to_pass)}")
    out.print("Now edit title and instruction, then: codebench tasks validate --task " + task_id)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: run the app, turning codebench errors into a message and exit status 2."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except CodebenchError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        sys.exit(130)
