"""The shipped core suite: every task loads and is valid in the Docker sandbox."""

from __future__ import annotations

from collections import Counter

import pytest
from rich.console import Console

from codebench.authoring import validate_suite
from codebench.runner import SandboxSettings
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


def test_tasks_readme_table_is_current() -> None:
    """tasks/README.md carries the table `codebench tasks list --markdown` prints."""
    from typer.testing import CliRunner

    from codebench.cli import app

    listed = CliRunner().invoke(app, ["tasks", "list", "--suite", "core", "--markdown"])
    assert listed.exit_code == 0, listed.output
    readme = (ROOT / "tasks" / "README.md").read_text()
    assert listed.output.strip() in readme, "regenerate: codebench tasks list --markdown"
