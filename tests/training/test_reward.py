"""The reward: gold scores the maximum, noop and a grader trick the minimum, each perturbing
reference model strictly between; deterministic and cached by content key."""

from __future__ import annotations

from pathlib import Path

import pytest

from codebench.models import TaskView, get_model
from codebench.results import Status
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Task
from codebench.training import GradeCache, RewardGrader, RewardWeights, reward
from codebench.training.prompts import synthetic_reply
from codebench.training.reward import Grade, score
from tests.conftest import MINI, ROOT

ATTACKS = ROOT / "tests" / "fixtures" / "attacks"
GOLD = {task.id: task.gold_patch for task in MINI.values()}


def reply_of(spec: str, task: Task) -> str:
    """The reference model's patch as a reply (a diff block; "" for noop)."""
    patch = get_model(spec, GOLD).propose(TaskView(task.id, task.spec.instruction, task.repo_dir))
    return synthetic_reply(patch.patch) if patch.patch else ""


def test_gold_is_the_maximum_noop_and_a_trick_the_minimum_perturbations_between(
    sandbox_settings: SandboxSettings,
) -> None:
    grader = RewardGrader(sandbox_settings)
    rewards = {
        spec: [grader.reward(task, reply_of(spec, task)).reward for task in MINI.values()]
        for spec in ("gold", "noop", "partial", "gold+reformat", "gold+style")
    }
    assert rewards["gold"] == [1.0, 1.0]
    assert rewards["noop"] == [0.0, 0.0]
    for spec in ("partial", "gold+reformat", "gold+style"):
        mean = sum(r or 0.0 for r in rewards[spec]) / 2
        assert 0.0 < mean < 1.0, (spec, rewards[spec])
    for spec in ("gold+reformat", "gold+style"):  # each task: the flaw costs, the fix counts
        assert all(0.0 < (r or 0.0) < 1.0 for r in rewards[spec]), (spec, rewards[spec])
    trick = (ATTACKS / "noop_runtest.patch").read_bytes().decode()
    caught = grader.reward(MINI["mini-div-zero"], trick)
    assert caught.status is Status.INTEGRITY_VIOLATION
    assert caught.reward == -1.0 < min(min(r or 0.0 for r in v) for v in rewards.values())


def test_gold_rename_is_the_gold_on_this_repository() -> None:
    """calc has no untouched function with a local variable: gold+rename cannot rename (the
    core suite's run measures it)."""
    grader = RewardGrader(SandboxSettings(Backend.LOCAL))
    for task in MINI.values():
        assert grader.reward(task, reply_of("gold+rename", task)).reward == 1.0


def test_the_same_reply_gets_the_same_reward_from_the_cache(tmp_path: Path) -> None:
    cache = GradeCache(tmp_path / "grades")
    grader = RewardGrader(SandboxSettings(Backend.LOCAL), cache=cache)
    task = MINI["mini-rename-show"]
    first = grader.reward(task, reply_of("gold+reformat", task))
    again = grader.reward(task, reply_of("gold+reformat", task))
    assert not first.cached and again.cached
    assert first.model_dump(exclude={"cached"}) == again.model_dump(exclude={"cached"})
    # a new process (a new grader on the same directory) reads the grade from disk
    fresh = RewardGrader(SandboxSettings(Backend.LOCAL), cache=GradeCache(tmp_path / "grades"))
    assert fresh.reward(task, reply_of("gold+reformat", task)).cached
    # other weights re-score the cached grade without grading again
    heavy = RewardGrader(
        SandboxSettings(Backend.LOCAL), RewardWeights(churn_weight=1.0), cache=cache
    ).reward(task, reply_of("gold+reformat", task))
    assert heavy.cached and (heavy.reward or 0) < (first.reward or 0)


@pytest.mark.parametrize(
    "reply",
    [
        "I cannot help with that.",
        "```diff\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-x\n+y\n```",
        "```diff\n--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-x\n+y\n```",
        "\udcff" * 10,
    ],
    ids=["prose", "file-not-in-repo", "path-escape", "lone-surrogates"],
)
def test_a_hostile_reply_scores_zero_without_a_sandbox(reply: str) -> None:
    grader = RewardGrader(SandboxSettings(Backend.LOCAL, slots=_NoSlots()))  # type: ignore[arg-type]
    got = grader.reward(MINI["mini-div-zero"], reply)
    assert got.reward == 0.0
    assert got.status is Status.MALFORMED_PATCH


class _NoSlots:
    """A semaphore that fails the test when a sandbox is asked for."""

    def __enter__(self) -> None:
        raise AssertionError("a sandbox was opened")

    def __exit__(self, *args: object) -> None:
        return None


def test_the_formula_and_its_weights() -> None:
    weights = RewardWeights()
    resolved = Grade(status=Status.RESOLVED, out_of_scope_churn=0.2, style_drift=0.4, findings=2)
    assert score(resolved, weights) == pytest.approx(1 - 0.5 * 0.2 - 0.25 * 0.4 - 0.1)
    half = Grade(status=Status.UNRESOLVED, fail_to_pass_passed=0.5, pass_to_pass_ok=True)
    assert score(half, weights) == pytest.approx(0.125)
    broke = Grade(status=Status.UNRESOLVED, fail_to_pass_passed=0.5, pass_to_pass_ok=False)
    assert score(broke, weights) == 0.0
    assert score(Grade(status=Status.INTEGRITY_VIOLATION), weights) == -1.0
    assert score(Grade(status=Status.SANDBOX_ERROR), weights) is None
    awful = Grade(status=Status.RESOLVED, out_of_scope_churn=1.0, style_drift=1.0, findings=50)
    assert score(awful, weights) == 0.0  # clamped: never below an honest empty reply


def test_the_module_function_grades_like_a_run() -> None:
    task = MINI["mini-div-zero"]
    got = reward(task, reply_of("gold", task), settings=SandboxSettings(Backend.LOCAL))
    assert got.reward == 1.0 and got.status is Status.RESOLVED and len(got.key) == 64


def test_the_reward_grades_as_the_run_did(tmp_path: Path) -> None:
    """Each reference model's result in a run and the reward of its reply: the same status,
    the same churn and drift."""
    from codebench.runner import RunSettings, run
    from codebench.sandbox import ImageSet
    from tests.conftest import FIXTURE_TASKS, quiet

    specs = ("gold", "partial", "gold+reformat", "gold+style")
    settings = RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=tmp_path / "run",
        model_specs=specs,
        backend=Backend.LOCAL,
    )
    outcome = run(settings, lambda keys: ImageSet(), quiet())
    grader = RewardGrader(SandboxSettings(Backend.LOCAL))
    for result in outcome.results:
        got = grader.reward(MINI[result.task_id], synthetic_reply(result.patch))
        assert got.status is result.status, (result.model, result.task_id)
        assert result.analysis is not None
        assert got.out_of_scope_churn == result.analysis.out_of_scope_churn
        assert got.style_drift == result.analysis.style_drift
