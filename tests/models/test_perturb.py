"""Perturbing reference models: each adds its one flaw, and the analyzer sees it."""

from __future__ import annotations

import pytest

from codebench.analysis import RepoTree, analyze
from codebench.models import TaskView, get_model
from codebench.results import Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.sandbox import Backend
from codebench.tasks import Scope, Task, load_suite
from tests.conftest import ROOT

CORE = {t.id: t for t in load_suite("core", ROOT / "tasks")}
SAMPLE = ["stockroom-same-bin-transfer", "slugroute-rename-make-url", "reportgen-drop-justify"]
GOLD = {task_id: task.gold_patch for task_id, task in CORE.items()}


def proposal(spec: str, task: Task) -> str:
    return (
        get_model(spec, GOLD).propose(TaskView(task.id, task.spec.instruction, task.repo_dir)).patch
    )


@pytest.mark.parametrize("task_id", SAMPLE)
def test_each_flaw_moves_its_metric(task_id: str) -> None:
    task = CORE[task_id]
    repo = RepoTree.from_dir(task.repo_dir)

    def scored(spec: str) -> object:
        return analyze(repo, proposal(spec, task), task.gold_patch)

    reformat, rename, style = scored("gold+reformat"), scored("gold+rename"), scored("gold+style")
    gold = scored("gold")
    assert reformat.cosmetic_entities and not gold.cosmetic_entities  # type: ignore[attr-defined]
    assert reformat.out_of_scope_churn > 0 and reformat.entity_precision < 1  # type: ignore[attr-defined]
    assert rename.renamed_names and not gold.renamed_names  # type: ignore[attr-defined]
    assert style.style_drift > (gold.style_drift or 0)  # type: ignore[attr-defined]


def test_partial_keeps_only_the_first_file() -> None:
    task = CORE["slugroute-rename-make-url"]
    patch = proposal("partial", task)
    assert patch.count("diff --git") == 1
    result = analyze(RepoTree.from_dir(task.repo_dir), patch, task.gold_patch)
    assert result.file_recall is not None and result.file_recall < 1


@pytest.mark.parametrize("spec", ["gold+reformat", "gold+rename", "gold+style"])
@pytest.mark.parametrize("task_id", SAMPLE)
def test_perturbed_gold_still_resolves(spec: str, task_id: str) -> None:
    task = CORE[task_id]
    evaluation = evaluate_patch(task, proposal(spec, task), SandboxSettings(Backend.LOCAL, {}))
    assert evaluation.status is Status.RESOLVED, evaluation.reason


def test_partial_fails_a_global_task() -> None:
    task = CORE["slugroute-rename-make-url"]
    assert task.scope is Scope.GLOBAL
    evaluation = evaluate_patch(task, proposal("partial", task), SandboxSettings(Backend.LOCAL, {}))
    assert evaluation.status is Status.UNRESOLVED
