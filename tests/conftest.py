"""Shared fixtures: the fixture task suite and sandbox settings for both backends.

Docker tests never skip in CI (CI=true): there, a missing engine fails them. Elsewhere they skip
only when no engine can be had, and the session ends with a loud banner saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codebench.runner.evaluate import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Task, load_suite

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_TASKS = ROOT / "tests" / "fixtures" / "tasks"
SANDBOXES = ROOT / "sandboxes"
_docker_skips: list[str] = []


@pytest.fixture(scope="session")
def docker_images() -> dict[str, str]:
    """Image ids of the sandbox images (built if needed); skip loudly or fail without Docker."""
    from codebench.sandbox.engine import ping_engine
    from codebench.sandbox.image import prepare_images

    reason = ping_engine()
    if reason is not None:
        message = f"NO DOCKER ENGINE ({reason}); run `make setup`"
        if os.environ.get("CI"):
            pytest.fail(f"{message}. Docker tests must run in CI.")
        _docker_skips.append(message)
        pytest.skip(message)
    return prepare_images({"python"}, SANDBOXES, lambda _: None)


@pytest.fixture(params=[Backend.LOCAL, Backend.DOCKER], ids=["local", "docker"])
def sandbox_settings(request: pytest.FixtureRequest) -> SandboxSettings:
    """Sandbox settings for each backend; the shared suite runs against both."""
    if request.param is Backend.DOCKER:
        return SandboxSettings(Backend.DOCKER, request.getfixturevalue("docker_images"))
    return SandboxSettings(Backend.LOCAL, {})


@pytest.fixture(scope="session")
def mini_tasks() -> dict[str, Task]:
    """The fixture suite `mini`: one local and one global task over the `calc` repository."""
    return {task.id: task for task in load_suite("mini", FIXTURE_TASKS)}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly when Docker tests were skipped."""
    if _docker_skips:
        terminalreporter.write_sep("!", "DOCKER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_docker_skips[0], red=True, bold=True)
        terminalreporter.write_line(
            "The sandbox is the point of codebench: these results do not cover it.", red=True
        )
