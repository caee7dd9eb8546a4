"""`--tries` in the run loop on the local backend, with a scripted model: what a later try is
given, a feedback run that fails, fewer tries than stored, and models that repeat a patch."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import codebench.runner.attempt as attempt_module
from codebench.errors import SandboxError
from codebench.models import Model, Proposal, TaskView, get_model
from codebench.report import build_leaderboard
from codebench.report.runs import run_record
from codebench.results import Status
from codebench.runner import RunSettings, run
from codebench.sandbox import Backend, ImageSet
from tests.conftest import FIXTURE_TASKS, TASK, quiet
from tests.runner.test_feedback import BREAKS_ADD

run_module = importlib.import_module("codebench.runner.run")
GOLD = TASK.gold_patch


class ScriptedModel(Model):
    """Answers each try of mini-div-zero with the next patch, and keeps the views it got."""

    spec = "scripted"

    def __init__(self, patches: list[str | Proposal]) -> None:
        self.patches, self.views = patches, []  # type: ignore[var-annotated]

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        self.views.append(view)
        patch = self.patches[min(len(view.prior_tries), len(self.patches) - 1)]
        if isinstance(patch, Proposal):
            return patch
        return Proposal(patch=patch, reply=f"reply {len(view.prior_tries) + 1}")


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> ScriptedModel:
    model = ScriptedModel([BREAKS_ADD, GOLD])

    def models(spec: str, gold: Mapping[str, str], options: Any) -> Model:
        return model if spec == "scripted" else get_model(spec, gold, options)

    monkeypatch.setattr(run_module, "get_model", models)
    return model


def local(run_dir: Path, models: tuple[str, ...], tries: int) -> RunSettings:
    return RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=models,
        backend=Backend.LOCAL,
        task_ids=(TASK.id,),
        analyse=False,
        tries=tries,
    )


def no_images(keys: set[str]) -> ImageSet:
    return ImageSet()


def test_a_later_try_is_given_its_reply_problem_and_visible_output(
    tmp_path: Path, scripted: ScriptedModel
) -> None:
    (result,) = run(local(tmp_path, ("scripted",), 2), no_images, quiet()).results
    assert result.status is Status.RESOLVED and result.patch == GOLD
    first, second = scripted.views
    assert first.prior_tries == ()
    (prior,) = second.prior_tries
    assert (prior.patch, prior.reply) == (BREAKS_ADD, "reply 1")
    assert "test_add" in prior.test_output and "test_div" not in prior.test_output
    assert prior.problem == result.tries[0].problem
    assert "test_div" not in prior.problem  # the graded reason names it; the feedback never


def test_a_feedback_run_that_fails_is_a_sandbox_error_and_a_rerun_continues(
    tmp_path: Path, scripted: ScriptedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    feedback = attempt_module.feedback_for

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise SandboxError("the engine went away")

    monkeypatch.setattr(attempt_module, "feedback_for", broken)
    (failed,) = run(local(tmp_path, ("scripted",), 2), no_images, quiet()).results
    assert failed.status is Status.SANDBOX_ERROR and "the engine went away" in (failed.reason or "")
    assert [t.status for t in failed.tries] == [Status.UNRESOLVED]
    assert failed.patch == BREAKS_ADD

    monkeypatch.setattr(attempt_module, "feedback_for", feedback)
    graded = []
    evaluate = attempt_module.evaluate_patch
    monkeypatch.setattr(
        attempt_module, "evaluate_patch", lambda *a, **k: graded.append(a[1]) or evaluate(*a, **k)
    )
    (result,) = run(local(tmp_path, ("scripted",), 2), no_images, quiet()).results
    assert result.status is Status.RESOLVED and graded == [GOLD]  # try 1 kept its grade


def test_fewer_tries_than_stored_grade_the_new_last_try(
    tmp_path: Path, scripted: ScriptedModel
) -> None:
    scripted.patches = [BREAKS_ADD]
    (two,) = run(local(tmp_path, ("scripted",), 2), no_images, quiet()).results
    assert [t.status for t in two.tries] == [Status.UNRESOLVED, Status.UNRESOLVED]
    outcome = run(local(tmp_path, ("scripted",), 1), no_images, quiet())
    (one,) = outcome.results
    assert outcome.reused == 0 and one.tries == () and one.status is Status.UNRESOLVED
    assert one.usage == two.tries[0].usage


def test_reference_models_with_tries(tmp_path: Path) -> None:
    settings = local(tmp_path, ("gold", "noop"), 3)
    outcome = run(settings, no_images, quiet())
    gold, noop = outcome.results
    assert len(gold.tries) == 1 and gold.status is Status.RESOLVED
    assert [t.status for t in noop.tries] == [Status.EMPTY_PATCH] * 3
    assert noop.tries[0].problem and "changed nothing" in noop.tries[0].problem
    board = build_leaderboard(outcome.results, settings=run_record(settings))
    rates = {e.model: e.resolved.overall.resolved_after_try for e in board.models}
    assert rates == {"gold": [1.0, 1.0, 1.0], "noop": [0.0, 0.0, 0.0]}
    again = run(dataclasses.replace(settings), no_images, quiet())
    assert again.reused == 2


def test_an_empty_patch_after_a_malformed_reply_is_empty_not_malformed(
    tmp_path: Path, scripted: ScriptedModel
) -> None:
    """Regression: both have the empty patch's hash; the malformed grade was reused."""
    scripted.patches = [Proposal(patch="", format_error="no block"), "", GOLD]
    (result,) = run(local(tmp_path, ("scripted",), 3), no_images, quiet()).results
    statuses = [t.status for t in result.tries]
    assert statuses == [Status.MALFORMED_PATCH, Status.EMPTY_PATCH, Status.RESOLVED]


def agent_proposal(patch: str, marker: str) -> Proposal:
    """A proposal as an agent makes one: its patch and the trajectory that led to it."""
    from codebench.models.trajectory import EndReason, Step, ToolStep, Trajectory

    call = ToolStep(call_id="c1", name="bash", arguments='{"command": "ls"}', output=marker)
    steps = (Step(text=f"thinking {marker}", tool_calls=(call,)), Step(text="submit"))
    trajectory = Trajectory(system="s", user="u", steps=steps, ended_by=EndReason.SUBMITTED)
    return Proposal(patch=patch, trajectory=trajectory)


def test_every_try_of_an_agent_keeps_its_trajectory(
    tmp_path: Path, scripted: ScriptedModel
) -> None:
    """Issue 15: with --tries, only the last try's trajectory was stored; the steps of the
    earlier tries were lost, and `codebench show` could not say how they went."""
    from rich.console import Console

    from codebench.report.show import render_result
    from codebench.runner.store import ResultStore

    scripted.patches = [agent_proposal(BREAKS_ADD, "first-try"), agent_proposal(GOLD, "second")]
    (result,) = run(local(tmp_path, ("scripted",), 2), no_images, quiet()).results
    assert result.status is Status.RESOLVED
    first, second = result.tries
    assert first.trajectory is not None and first.trajectory.steps == 2
    assert second.trajectory is not None and first.status is Status.UNRESOLVED
    store = ResultStore(tmp_path)
    earlier = store.load_trajectory(TASK.id, "scripted", 0, 1)
    last = store.load_trajectory(TASK.id, "scripted", 0)
    assert earlier is not None and earlier.steps[0].tool_calls[0].output == "first-try"
    assert last is not None and last.steps[0].tool_calls[0].output == "second"
    console = Console(width=120, record=True)
    render_result(result, console, last, {1: earlier})
    text = console.export_text()
    assert text.index("try 1: unresolved") < text.index("first-try") < text.index("try 2")
    assert text.index("try 2") < text.rindex("second")
    console = Console(width=120, record=True)
    render_result(result, console, last, {1: None})  # its file was deleted
    assert "trajectory: its file is missing or damaged" in console.export_text()


def test_results_carry_their_tasks_origin_and_stored_ones_get_it(tmp_path: Path) -> None:
    """Issue 16: the leaderboard splits by origin; a result stored before origins were kept
    gets its task's when it is reused (the origin is not part of the key)."""
    from codebench.runner.store import ResultStore
    from codebench.tasks import Origin

    (first,) = run(local(tmp_path, ("gold",), 1), no_images, quiet()).results
    assert first.origin is Origin.CORE and first.corruption is None
    store = ResultStore(tmp_path)
    store.save(first.model_copy(update={"origin": None}), "gold")
    (again,) = run(local(tmp_path, ("gold",), 1), no_images, quiet()).results
    assert again.origin is Origin.CORE
    stored = store.load(TASK.id, "gold", 0)
    assert stored is not None and stored.origin is Origin.CORE
