"""Running a task's tests in a sandbox and deciding FAIL_TO_PASS / PASS_TO_PASS."""

from __future__ import annotations

import secrets
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pydantic import BaseModel, ConfigDict

from codebench.errors import SandboxError
from codebench.grading.junit import TestStatus, parse_junit, statuses_for
from codebench.sandbox import ExecResult, Sandbox
from codebench.tasks import TaskSpec


class TestOutcome(BaseModel):
    """One listed test and how it ended (also what a stored result records of it)."""

    __test__ = False  # not a pytest test class
    model_config = ConfigDict(frozen=True)

    test_id: str
    status: TestStatus
    fail_to_pass: bool  # True for a FAIL_TO_PASS test, False for PASS_TO_PASS


@dataclass(frozen=True)
class GradeReport:
    """The outcome of running a task's tests once."""

    outcomes: tuple[TestOutcome, ...]
    timed_out: bool
    exit_code: int
    log_tail: str  # the end of the test command's output, for a person to read
    seconds: float

    @property
    def resolved(self) -> bool:
        """Every FAIL_TO_PASS and PASS_TO_PASS test passed (missing counts as failed)."""
        return not self.timed_out and all(o.status is TestStatus.PASSED for o in self.outcomes)


SETUP_FAILED = 97
REPORT_MARKER = "CODEBENCH-JUNIT-REPORT-FOLLOWS"


def pytest_command(base_command: str, junit_path: str, files: Iterable[str]) -> str:
    """A pytest command line reporting to `junit_path`, limited to `files`."""
    # --rootdir pins node ids to the repository root whatever config files it has (or lacks);
    # one test file that fails to import must not hide the results of the others.
    extra = ["--rootdir=.", "--continue-on-collection-errors", f"--junitxml={junit_path}"]
    return f"{base_command} {shlex.join([*extra, *dict.fromkeys(files)])}"


def run_pytest(
    sandbox: Sandbox,
    base_command: str,
    files: Iterable[str],
    timeout: float,
    setup: str | None = None,
) -> tuple[ExecResult, dict[tuple[str, str], TestStatus]]:
    """Run pytest on `files` and read its JUnit report: (command result, status per testcase).

    `setup`, a shell snippet, runs first in the same sandbox command (one round trip fewer);
    if it fails, `SandboxError` carries its output. The report goes to a fresh random name in
    the scratch directory, outside the repository, and comes back after a marker line.
    """
    junit_path = f"{sandbox.scratch}/junit-{secrets.token_hex(8)}.xml"
    script = f"{{ {setup}\n}} >&2 || exit {SETUP_FAILED}\n" if setup else ""
    script += (
        f"{pytest_command(base_command, junit_path, files)}\ncode=$?\n"
        f"printf '\\n%s\\n' {REPORT_MARKER}; cat {junit_path} 2>/dev/null; exit $code"
    )
    result = sandbox.sh(script, timeout=timeout)
    if setup and result.exit_code == SETUP_FAILED and REPORT_MARKER not in result.stdout:
        raise SandboxError(f"test set-up failed: {result.stderr.strip()[-2000:]}")
    output, _, report_text = result.stdout.rpartition(f"\n{REPORT_MARKER}\n")
    result = replace(result, stdout=output) if output or report_text else result
    return result, ({} if result.timed_out else _parse_report(report_text))


def passing_tests(
    sandbox: Sandbox, base_command: str, files: Iterable[str], timeout: float
) -> tuple[str, ...]:
    """The pytest node ids of the tests in `files` that passed, in report order."""
    files = tuple(files)
    _, report = run_pytest(sandbox, base_command, files, timeout)
    passed = (node_id_of(key, files) for key, s in report.items() if s is TestStatus.PASSED)
    return tuple(node_id for node_id in passed if node_id is not None)


def node_id_of(key: tuple[str, str], files: Iterable[str]) -> str | None:
    """The node id of a JUnit (classname, name) among known test files; None if none matches."""
    classname, name = key
    modules = {path: path.removesuffix(".py").replace("/", ".") for path in files}
    matching = [p for p, m in modules.items() if classname == m or classname.startswith(m + ".")]
    if not matching:
        return None
    path = max(matching, key=lambda p: len(modules[p]))
    module = modules[path]
    classes = classname[len(module) + 1 :].split(".") if classname != module else []
    return "::".join([path, *classes, name])


def grade(sandbox: Sandbox, spec: TaskSpec, setup: str | None = None) -> GradeReport:
    """Run the task's tests in `sandbox` and grade every listed test from the JUnit report.

    Only the JUnit XML decides: what the tests print cannot fake a pass (the report is read
    after the last marker line, which the harness prints once pytest has exited). `setup` is
    a shell snippet run first, e.g. adding the hidden tests.
    """
    files = (test_id.split("::", 1)[0] for test_id in spec.test_ids)
    result, report = run_pytest(sandbox, spec.test_command, files, spec.timeout, setup)
    outcomes = [
        TestOutcome(test_id=test_id, status=status, fail_to_pass=group)
        for group, ids in ((True, spec.fail_to_pass), (False, spec.pass_to_pass))
        for test_id, status in statuses_for(ids, report).items()
    ]
    return GradeReport(
        outcomes=tuple(outcomes),
        timed_out=result.timed_out,
        exit_code=result.exit_code,
        log_tail=_tail(result),
        seconds=result.seconds,
    )


def _parse_report(text: str) -> dict[tuple[str, str], TestStatus]:
    if not text.strip():
        return {}  # no report (pytest crashed before writing one): every test is missing
    try:
        return parse_junit(text)
    except ET.ParseError:
        return {}


def _tail(result: ExecResult, limit: int = 4000) -> str:
    text = (result.stdout + ("\n" + result.stderr if result.stderr else "")).strip()
    return text[-limit:]
