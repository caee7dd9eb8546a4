"""Sandboxes: the small `Sandbox` interface, a Docker backend and an unsafe local backend.

`open_sandbox()` is the one entry point; heavy imports (the docker SDK) load only when the Docker
backend is used.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from codebench.sandbox.base import (
    FORCED_TEXT_DIFF,
    GIT_IDENTITY,
    LIVE,
    Backend,
    ExecResult,
    ImageSet,
    Limits,
    Sandbox,
)

__all__ = [
    "FORCED_TEXT_DIFF",
    "GIT_IDENTITY",
    "LIVE",
    "Backend",
    "ExecResult",
    "ImageSet",
    "Limits",
    "Sandbox",
    "finish_closing",
    "open_sandbox",
    "start_ahead",
]


def finish_closing() -> None:
    """Block until every closed sandbox is really gone (Docker removes containers in the
    background), spares started ahead included; a no-op when no Docker sandbox was ever opened.
    """
    spares = sys.modules.get("codebench.sandbox.spares")
    if spares is not None:
        spares.SPARES.disarm()
    backend = sys.modules.get("codebench.sandbox.docker_backend")
    if backend is not None:
        backend.wait_for_removals()
        backend.sweep_own_volumes()


def start_ahead(backend: Backend, count: int, trees: list[Path]) -> None:
    """From now until `finish_closing`, start up to `count` Docker sandboxes ahead of need,
    for the opens to come, of `trees` in order (see `spares`), each with the image and limits
    of the last one opened. A no-op for the local backend."""
    if backend is Backend.DOCKER:
        from codebench.sandbox.spares import SPARES

        SPARES.arm(count, trees)


def open_sandbox(
    backend: Backend,
    repo_dir: Path,
    image: str,
    limits: Limits,
    scratch_files: Mapping[str, bytes] | None = None,
) -> Sandbox:
    """Check `repo_dir` out into a new sandbox with a git base commit; close it when done.

    `image` is the Docker image id (ignored by the local backend). `scratch_files` (name ->
    bytes) are placed in the scratch directory from the start.
    """
    if backend is Backend.LOCAL:
        from codebench.sandbox.local import LocalSandbox

        return LocalSandbox(repo_dir, scratch_files)
    from codebench.sandbox.spares import SPARES

    return SPARES.open(repo_dir, image, limits, scratch_files or {})
