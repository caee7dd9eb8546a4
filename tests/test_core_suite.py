"""The shipped core suite: every task loads and is valid in the Docker sandbox."""

from __future__ import annotations

from collections import Counter

import pytest
from rich.console import Console

from codebench.runner.evaluate import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Scope, load_suite
from codebench.tasks.validate_suite import validate_suite
from tests.conftest import ROOT


def test_core_suite_loads_with_both_scopes_over_several_repos() -> None:
    tasks = load_suite("core", ROOT / "tasks")
    scopes = Counter(t.scope for t in tasks)
    assert scopes[Scope.LOCAL] >= 3 and scopes[Scope.GLOBAL] >= 3
    assert len({t.repo_dir for t in tasks}) >= 2


@pytest.mark.docker
def test_core_suite_is_valid(docker_images: dict[str, str]) -> None:
    tasks = load_suite("core", ROOT / "tasks")
    settings = SandboxSettings(Backend.DOCKER, docker_images)
    verdicts = validate_suite(tasks, settings, workers=2, gold_runs=1, console=Console(quiet=True))
    problems = {v.task_id: v.problems for v in verdicts if not v.ok}
    assert not problems
