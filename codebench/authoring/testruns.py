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
from codebench.tasks.schema import DEFAULT_TEST_COMMAND

TALLY_TIMEOUT = 600.0  # seconds for one run of the test files
SRC_LAYOUT_COMMAND = f"PYTHONPATH=src {DEFAULT_TEST_COMMAND}"


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


def no_fail_to_pass_message(before: TestTally, after: TestTally) -> str:
    """Why no test fails before and passes after, with what ran on each side."""
    ran = f"before the change {_counts(before)}; after it {_counts(after)}"
    if after.statuses:
        return f"no test fails before the change and passes after it ({ran})"
    return (
        f"no test fails before the change and passes after it: 0 tests ran after the change, "
        f"the test command collected nothing ({ran}); check --test-command (default "
        f"{DEFAULT_TEST_COMMAND!r}); for a src layout try --test-command {SRC_LAYOUT_COMMAND!r}"
    )


def _counts(tally: TestTally) -> str:
    passed = len(tally.passed)
    text = f"{len(tally.statuses)} test(s) ran, {passed} passed"
    if tally.unattributed:
        text += f", {tally.unattributed} test file(s) failed to be collected"
    return text
