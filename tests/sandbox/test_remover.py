"""The background container remover: at interpreter shutdown it cannot take work, and a
container closed then must still be removed."""

from __future__ import annotations

import concurrent.futures.thread

import pytest

from codebench.errors import SandboxError
from codebench.sandbox.docker_backend import ContainerRemover


def test_a_removal_at_interpreter_shutdown_happens_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Broke: at interpreter exit the pool raises "cannot schedule new futures after
    interpreter shutdown", so a sandbox closed then (e.g. by an atexit hook or a thread still
    finishing) left its container running."""
    monkeypatch.setattr(concurrent.futures.thread, "_shutdown", True)  # what exit sets
    removed: list[str] = []
    ContainerRemover().submit(lambda: removed.append("c0ffee"))
    assert removed == ["c0ffee"]


def test_a_removal_failing_at_shutdown_is_reported_by_wait() -> None:
    """A removal done at once still records its failure, like one done in the background."""
    remover = ContainerRemover()
    remover._pool.shutdown()

    def fail() -> None:
        raise SandboxError("could not remove container c0ffee: engine gone")

    remover.submit(fail)
    with pytest.raises(SandboxError, match=r"1 container.*engine gone"):
        remover.wait()
