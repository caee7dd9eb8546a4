"""Finding stored results in run directories: one result for `show`, one model's for `compare`."""

from __future__ import annotations

from pathlib import Path

from codebench.errors import ConfigError
from codebench.report.compare import Comparison, compare
from codebench.results import TaskResult
from codebench.runner import ResultStore


def find_result(run_dir: Path, task_id: str, model: str | None, sample: int) -> TaskResult:
    """The one result of `task_id` (and `model`, when the run has several) at `sample`.

    Raises `ConfigError` when there is none, or when several models ran the task and none is named.
    """
    found = [
        r
        for r in ResultStore(run_dir)
        if r.task_id == task_id and r.sample == sample and (model is None or r.model == model)
    ]
    if not found:
        raise ConfigError(f"{run_dir} has no result for task {task_id!r} (sample {sample})")
    if len(found) > 1:
        models = ", ".join(sorted(r.model for r in found))
        raise ConfigError(f"{task_id} was run by several models ({models}): pick one with --model")
    return found[0]


def model_results(
    run_dir: Path, wanted: str | None, side: str, *, only_model_is_default: bool
) -> tuple[list[TaskResult], str]:
    """One model's results from a run directory, and the model's spec.

    With `only_model_is_default`, a run holding a single model needs no name. Raises
    `ConfigError` naming option `--<side>` when the model is not named or not in the run.
    """
    results = list(ResultStore(run_dir))
    models = sorted({r.model for r in results})
    if wanted is None and only_model_is_default and len(models) == 1:
        wanted = models[0]
    if wanted is None or wanted not in models:
        has = ", ".join(models) or "none"
        raise ConfigError(
            f"{run_dir}: choose model {side.upper()} with --{side.lower()} (has: {has})"
        )
    return [r for r in results if r.model == wanted], wanted


def compare_runs(runs: list[Path], model_a: str | None, model_b: str | None) -> Comparison:
    """Compare model A (from the first run) with model B (from the last, or the same one).

    Raises `ConfigError` for other than one or two runs, or a model that cannot be chosen.
    """
    if len(runs) not in (1, 2):
        raise ConfigError("compare takes one run directory (two models) or two (A then B)")
    two = len(runs) == 2
    a, name_a = model_results(runs[0], model_a, "a", only_model_is_default=two)
    b, name_b = model_results(runs[-1], model_b, "b", only_model_is_default=two)
    return compare(a, b, name_a, name_b)


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
