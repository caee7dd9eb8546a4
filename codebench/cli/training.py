"""`codebench export` and `codebench serve-reward`: graded runs as training data, the grader
as a reward service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from codebench.cli.app import app
from codebench.cli.common import (
    BackendOpt,
    SuiteOpt,
    TasksRootOpt,
    WorkersOpt,
    prepare_images,
    say,
    tasks_root,
    warn_if_unsafe,
)
from codebench.models.formats import EditFormat
from codebench.sandbox import Backend

# codebench.training.records' defaults (a test keeps them equal): importing it here would load
# the whole training package, and the runner with it, for `codebench --help`
DEFAULT_MAX_CHURN = 0.1
DEFAULT_MAX_DRIFT = 0.1
DEFAULT_MAX_FINDINGS = 0


@app.command("export")
def export_command(
    run_dirs: Annotated[list[Path], typer.Argument(help="One or more run directories.")],
    fmt: Annotated[str, typer.Option("--format", help="sft, preference or rft.")] = "sft",
    output: Annotated[Path, typer.Option("--out", help="The train JSONL file.")] = Path(
        "train.jsonl"
    ),
    style: Annotated[
        str, typer.Option(help="preference only: openai (input/preferred_output) or trl.")
    ] = "openai",
    max_churn: Annotated[
        float | None, typer.Option(help="Clean: out-of-scope churn at most this.")
    ] = DEFAULT_MAX_CHURN,
    max_drift: Annotated[
        float | None, typer.Option(help="Clean: style drift at most this.")
    ] = DEFAULT_MAX_DRIFT,
    max_findings: Annotated[
        int | None, typer.Option(help="Clean: at most this many analyzer findings.")
    ] = DEFAULT_MAX_FINDINGS,
    seed: Annotated[int, typer.Option(help="Seed of the train/validation split by task.")] = 0,
    validation: Annotated[
        float, typer.Option(min=0.0, max=0.9, help="Share of tasks held out for validation.")
    ] = 0.1,
    suite: Annotated[
        str | None, typer.Option(help="The runs' suite (default: the one their leaderboard names).")
    ] = None,
    tasks_dir: TasksRootOpt = None,
    config: Annotated[
        Path | None, typer.Option(help="The codebench.toml the runs' models were set up with.")
    ] = None,
    edit_format: Annotated[
        EditFormat | None, typer.Option(help="rft only: the prompt's edit format (default udiff).")
    ] = None,
) -> None:
    """Export graded runs as training data: FILE (train), FILE's .validation twin and a
    .manifest.json beside them. Exits 2 when a prompt would leak a hidden test or gold line."""
    from codebench.errors import ConfigError
    from codebench.training import ExportSettings, Filters, export

    if fmt not in ("sft", "preference", "rft"):
        raise ConfigError(f"--format {fmt!r}: choose sft, preference or rft")
    if style not in ("openai", "trl"):
        raise ConfigError(f"--style {style!r}: choose openai or trl")
    chosen: Literal["sft", "preference", "rft"] = fmt  # type: ignore[assignment]
    chosen_style: Literal["openai", "trl"] = style  # type: ignore[assignment]
    settings = ExportSettings(
        format=chosen,
        out=output,
        style=chosen_style,
        filters=Filters(
            max_out_of_scope_churn=max_churn, max_style_drift=max_drift, max_findings=max_findings
        ),
        seed=seed,
        validation_fraction=validation,
        suite=suite,
        tasks_root=tasks_root(tasks_dir),
        config=config,
        rft_edit_format=edit_format,
    )
    outcome = export(settings, run_dirs)
    manifest = outcome.manifest
    for split, counts in manifest.counts.items():
        say(f"{split}: {counts.records} line(s), {counts.tasks} task(s) -> {outcome.paths[split]}")
    for why, count in manifest.left_out.items():
        say(f"left out {count}: {why}")
    say(f"manifest: {outcome.paths['manifest']}")


@app.command("serve-reward")
def serve_reward(
    suite: SuiteOpt = "core",
    tasks_dir: TasksRootOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: a free one).")] = 8765,
    workers: WorkersOpt = 2,
    backend: BackendOpt = Backend.DOCKER,
    edit_format: Annotated[
        EditFormat, typer.Option(help="How replies write their edits.")
    ] = EditFormat.UDIFF,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Keep grades here across restarts (by content key).")
    ] = None,
    max_items: Annotated[int, typer.Option(min=1, help="Items per request at most.")] = 256,
) -> None:
    """Serve rewards over HTTP: POST /rewards {"items": [{"task_id", "reply"}]}."""
    import threading

    from codebench.runner import SandboxSettings, images_for
    from codebench.runner.analysis_step import start_analysis_process, stop_analysis_process
    from codebench.tasks import load_suite
    from codebench.training import GradeCache, RewardGrader
    from codebench.training.server import RewardService, ServiceLimits, make_server

    tasks = {task.id: task for task in load_suite(suite, tasks_root(tasks_dir))}
    backend = warn_if_unsafe(backend)
    images = images_for(backend, {t.spec.image for t in tasks.values()}, prepare_images)
    settings = SandboxSettings(backend, images, slots=threading.Semaphore(workers))
    grader = RewardGrader(settings, edit_format=edit_format, cache=GradeCache(cache_dir))
    service = RewardService(tasks, grader, workers, ServiceLimits(max_items=max_items))
    server = make_server(service, host, port)
    bound_host, bound_port = server.server_address[:2]
    say(
        f"serving rewards for {len(tasks)} task(s) of {suite} on http://{bound_host!s}:{bound_port}"
    )
    start_analysis_process()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        service.close()
        stop_analysis_process()
