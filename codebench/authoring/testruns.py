"""Running a change's tests in a sandbox, for authoring (scaffold and mine): which files are test
modules, and a tally of them on the starting tree with some patches applied."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from codebench.errors import UnappliedPatchError
from codebench.grading import TestTally, tally_tests
from codebench.patching import AppliedPatch, ParsedPatch, apply_patch, is_test_path, parse_patch
from codebench.runner import SandboxSettings
from codebench.sandbox import open_sandbox
from codebench.tasks.schema import DEFAULT_TEST_COMMAND

SRC_LAYOUT_COMMAND = f"PYTHONPATH=src {DEFAULT_TEST_COMMAND}"
NO_ADDOPTS_COMMAND = f"{DEFAULT_TEST_COMMAND} -o addopts="
USAGE_EXIT_CODES = (2, 3, 4)  # pytest: interrupted, internal error, usage error
ERROR_LINE = re.compile(r"\berror:", re.IGNORECASE)
ERROR_LINES, ERROR_LINE_CHARS = 3, 200


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
    timeout: float,
) -> TestTally:
    """Apply `patches` in order to `repo_dir` in a fresh sandbox of environment `image`, then
    run the test `files` with `test_command` (killed after `timeout` seconds) and tally what
    each test did.

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
        return tally_tests(box, test_command, files, timeout=timeout)


def run_failure(tally: TestTally, side: str, timeout: float) -> str | None:
    """Why the run on `side` ("before the change", "with the change") tells nothing about its
    tests, or None when it produced a report: it timed out, stopped on a usage or internal
    error (pytest's own error lines quoted), or crashed without writing a report."""
    if tally.timed_out:
        return (
            f"the tests timed out after {timeout:g} s {side} (a test hangs, or the run needs "
            "more time: --timeout)"
        )
    if tally.reported:
        return None
    errors = pytest_errors(tally.output_tail)
    if errors and tally.exit_code in USAGE_EXIT_CODES:
        return f"pytest stopped with an error {side} (exit code {tally.exit_code}): " + (
            "; ".join(errors) + _addopts_hint(errors)
        )
    last = tally.output_tail.strip().splitlines()[-1:] if tally.output_tail.strip() else []
    said = f": {_trim(last[0])}" if last else ""
    return (
        f"pytest wrote no test report {side} (exit code {tally.exit_code}): it crashed or "
        f"could not start{said}"
    )


def pytest_errors(output: str) -> list[str]:
    """pytest's own error lines in `output` ("error: unrecognized arguments: ..."), trimmed,
    at most a few (its "ERROR: usage: ..." line only says how to call it)."""
    lines = [line.strip() for line in output.splitlines() if ERROR_LINE.search(line)]
    lines = [line for line in lines if not line.upper().startswith("ERROR: USAGE:")]
    return [_trim(line) for line in dict.fromkeys(lines)][:ERROR_LINES]


def _addopts_hint(errors: Sequence[str]) -> str:
    if not any("unrecognized arguments" in line for line in errors):
        return ""
    return (
        "; an option from the repository's pytest addopts needs a plugin the environment "
        f"lacks? drop them with -o addopts=, e.g. --test-command {NO_ADDOPTS_COMMAND!r}"
    )


def _trim(line: str) -> str:
    return line if len(line) <= ERROR_LINE_CHARS else line[: ERROR_LINE_CHARS - 3] + "..."


def no_fail_to_pass_message(before: TestTally, after: TestTally) -> str:
    """Why no test fails before and passes after, with what ran on each side (and pytest's own
    error lines when it reported no test and said why)."""
    ran = f"before the change {_counts(before)}; after it {_counts(after)}"
    if after.statuses:
        return f"no test fails before the change and passes after it ({ran})"
    errors = pytest_errors(after.output_tail)
    if errors:
        return (
            f"no test fails before the change and passes after it: 0 tests ran after the "
            f"change ({ran}); pytest said: {'; '.join(errors)}{_addopts_hint(errors)}"
        )
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
