"""Finding stored results in run directories: one result for `show`, one model's for `compare`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codebench.errors import ConfigError, ResultStoreError
from codebench.report.compare import Comparison, compare
from codebench.report.runs import damaged_message
from codebench.results import TaskResult
from codebench.runner import ResultStore
from codebench.runner.store import DamagedResult, StoreScan


def find_result(run_dir: Path, task_id: str, model: str | None, sample: int) -> TaskResult:
    """The one result of `task_id` (and `model`, when the run has several) at `sample`.

    Raises:
        ConfigError: there is none, or several models ran the task and none is named.
        ResultStoreError: the task's stored result at `sample` is damaged (named, with why).
    """
    scan = ResultStore(run_dir).scan()
    found = [
        r
        for r in scan.results
        if r.task_id == task_id and r.sample == sample and (model is None or r.model == model)
    ]
    if not found:
        own = [
            d
            for d in scan.damaged
            if task_id == d.path.parent.parent.name and d.path.name == f"sample-{sample}.json"
        ]
        if own:
            raise ResultStoreError(damaged_message(run_dir, own))
        raise ConfigError(f"{run_dir} has no result for task {task_id!r} (sample {sample})")
    if len(found) > 1:
        models = ", ".join(sorted(r.model for r in found))
        raise ConfigError(f"{task_id} was run by several models ({models}): pick one with --model")
    return found[0]


@dataclass(frozen=True)
class RunComparison:
    """A comparison, and the damaged result files left out of it (with `--skip-damaged`)."""

    comparison: Comparison
    skipped: tuple[DamagedResult, ...]


def model_results(
    scan: StoreScan, run_dir: Path, wanted: str | None, side: str, *, only_model_is_default: bool
) -> tuple[list[TaskResult], str]:
    """One model's results from a run directory's scan, and the model's spec.

    With `only_model_is_default`, a run holding a single model needs no name. Raises
    `ConfigError` naming option `--<side>` when the model is not named or not in the run.
    """
    models = sorted({r.model for r in scan.results})
    if wanted is None and only_model_is_default and len(models) == 1:
        wanted = models[0]
    if wanted is None or wanted not in models:
        has = ", ".join(models) or "none"
        raise ConfigError(
            f"{run_dir}: choose model {side.upper()} with --{side.lower()} (has: {has})"
        )
    return [r for r in scan.results if r.model == wanted], wanted


def compare_runs(
    runs: list[Path], model_a: str | None, model_b: str | None, skip_damaged: bool = False
) -> RunComparison:
    """Compare model A (from the first run) with model B (from the last, or the same one).

    Raises:
        ConfigError: other than one or two runs, or a model that cannot be chosen.
        ResultStoreError: a run holds damaged result files and not `skip_damaged` (a
            comparison without them could flip wins and losses unseen).
    """
    if len(runs) not in (1, 2):
        raise ConfigError("compare takes one run directory (two models) or two (A then B)")
    scans = {run: ResultStore(run).scan() for run in runs}
    skipped = tuple(d for scan in scans.values() for d in scan.damaged)
    for run, scan in scans.items():
        if scan.damaged and not skip_damaged:
            raise ResultStoreError(damaged_message(run, scan.damaged))
    two = len(runs) == 2
    a, name_a = model_results(scans[runs[0]], runs[0], model_a, "a", only_model_is_default=two)
    b, name_b = model_results(scans[runs[-1]], runs[-1], model_b, "b", only_model_is_default=two)
    return RunComparison(compare(a, b, name_a, name_b), skipped)


def comparison_lines(result: Comparison) -> list[str]:
    """A comparison for a person: the rates, wins/losses/ties with the interval, the flips."""
    lines = [
        f"{result.model_b} vs {result.model_a} on {result.shared_tasks} shared task(s): "
        f"{result.rate_b} vs {result.rate_a} resolved",
        f"wins {result.wins}, losses {result.losses}, ties {result.ties}; "
        f"difference {result.difference} (95% CI {result.ci_low} .. {result.ci_high})",
    ]
    for flip in result.flipped:
        arrow = "better" if flip.b > flip.a else "worse"
        lines.append(f"  {flip.task_id}: {flip.a:.2f} -> {flip.b:.2f} ({arrow})")
    return lines
