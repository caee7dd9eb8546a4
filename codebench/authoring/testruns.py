"""Running a change's tests in a sandbox, for authoring (scaffold and mine): which files are test
modules, and a tally of them on the starting tree with some patches applied."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from codebench.errors import UnappliedPatchError
from codebench.grading import TestTally, tally_tests
from codebench.patching import AppliedPatch, ParsedPatch, apply_patch, is_test_path, parse_patch
from codebench.runner import SandboxSettings
from codebench.sandbox import open_sandbox

TALLY_TIMEOUT = 600.0  # seconds for one run of the test files


def test_modules(paths: Iterable[str]) -> list[str]:
    """The test modules among `paths`: Python files under test folders or named as tests whose
    name starts with "test" (what authoring passes to pytest by name)."""
    return [
        path
        for path in paths
        if path.endswith(".py")
        and is_test_path(path)
        and PurePosixPath(path).name.startswith("test")
    ]


def tally_patched(
    repo_dir: Path,
    patches: Sequence[str],
    files: Sequence[str],
    test_command: str,
    image: str,
    settings: SandboxSettings,
) -> TestTally:
    """Apply `patches` in order to `repo_dir` in a fresh sandbox of environment `image`, then
    run the test `files` with `test_command` and tally what each test did.

    Raises `UnappliedPatchError` when a patch does not apply, `SandboxError` when the sandbox
    fails.
    """
    image_id = settings.image_id(image)
    with settings.slots, open_sandbox(settings.backend, repo_dir, image_id, settings.limits) as box:
        for number, text in enumerate(patches):
            parsed = parse_patch(text, repo_dir)
            applied = (
                apply_patch(box, parsed, f"p{number}")
                if isinstance(parsed, ParsedPatch)
                else parsed
            )
            if not isinstance(applied, AppliedPatch):
                raise UnappliedPatchError(repo_dir, f"a patch does not apply: {applied.reason}")
        return tally_tests(box, test_command, files, timeout=TALLY_TIMEOUT)
