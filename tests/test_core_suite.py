"""The shipped core suite: every task loads and is valid in the Docker sandbox."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rich.console import Console

from codebench.authoring import validate_suite
from codebench.report import build_leaderboard
from codebench.results import Status
from codebench.runner import RunSettings, SandboxSettings, evaluate_patch, run
from codebench.sandbox import Backend, ImageSet
from codebench.tasks import Category, Scope, load_suite
from tests.conftest import ROOT


def test_core_suite_size_scopes_repos_and_categories() -> None:
    tasks = load_suite("core", ROOT / "tasks")
    assert len(tasks) >= 40
    scopes = Counter(t.scope for t in tasks)
    assert scopes[Scope.LOCAL] >= 16 and scopes[Scope.GLOBAL] >= 16
    assert len({t.repo_dir for t in tasks}) >= 6
    categories = Counter(t.category for t in tasks)
    assert all(categories[c] >= 2 for c in Category), categories


def test_core_repositories_are_small_real_libraries() -> None:
    for repo in {t.repo_dir for t in load_suite("core", ROOT / "tasks")}:
        lines = sum(p.read_text().count("\n") for p in repo.rglob("*.py"))
        assert 300 <= lines <= 3000, (repo.name, lines)
        assert list(repo.glob("tests/test_*.py")), f"{repo.name} has no tests of its own"


@pytest.mark.docker
def test_core_suite_is_valid(docker_images: ImageSet) -> None:
    tasks = load_suite("core", ROOT / "tasks")
    settings = SandboxSettings(Backend.DOCKER, docker_images)
    verdicts = validate_suite(tasks, settings, workers=2, gold_runs=1, console=Console(quiet=True))
    problems = {v.task_id: v.problems for v in verdicts if not v.ok}
    assert not problems


# The statuses the perturbing reference models had on the core suite before the integrity
# checks (commit b365a96, `codebench run --no-analysis`); gold is checked by validation above.
REFERENCE_STATUSES = ROOT / "tests" / "fixtures" / "reference_statuses.json"
PERTURBING = ("gold+reformat", "gold+rename", "gold+style", "partial")


@pytest.mark.docker
def test_reference_models_keep_their_statuses(docker_images: ImageSet, tmp_path: Path) -> None:
    """No false alarms: the integrity checks change no reference model's status."""
    settings = RunSettings(
        suite="core",
        tasks_root=ROOT / "tasks",
        run_dir=tmp_path / "run",
        model_specs=PERTURBING,
        analyse=False,
    )
    outcome = run(settings, lambda keys: docker_images, Console(quiet=True))
    expected = json.loads(REFERENCE_STATUSES.read_text())
    for entry in build_leaderboard(outcome.results).models:
        assert entry.per_task == expected[entry.model], entry.model


@pytest.mark.docker
def test_a_universal_grader_trick_resolves_no_core_task(docker_images: ImageSet) -> None:
    """Regression: this task-independent patch (a pytest11 entry point in a dist-info folder
    and a plugin marking every report passed; no source code changed) was graded resolved on
    41 of the 42 core tasks before the integrity checks."""
    trick = (ROOT / "tests" / "fixtures" / "attacks" / "plugin_entry_point.patch").read_text()
    settings = SandboxSettings(Backend.DOCKER, docker_images)
    tasks = load_suite("core", ROOT / "tasks")
    with ThreadPoolExecutor(2) as pool:
        statuses = Counter(
            pool.map(lambda task: evaluate_patch(task, trick, settings).status, tasks)
        )
    assert statuses == {Status.INTEGRITY_VIOLATION: len(tasks)}


def test_tasks_readme_table_is_current() -> None:
    """tasks/README.md carries the table `codebench tasks list --markdown` prints."""
    from typer.testing import CliRunner

    from codebench.cli import app

    listed = CliRunner().invoke(app, ["tasks", "list", "--suite", "core", "--markdown"])
    assert listed.exit_code == 0, listed.output
    readme = (ROOT / "tasks" / "README.md").read_text()
    assert listed.output.strip() in readme, "regenerate: codebench tasks list --markdown"
