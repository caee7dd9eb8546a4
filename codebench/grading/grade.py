"""Running a task's tests in a sandbox and deciding FAIL_TO_PASS / PASS_TO_PASS."""

from __future__ import annotations

import json
import secrets
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from codebench.errors import SandboxError, TestSetupError
from codebench.grading.canary import canary_findings, make_canary
from codebench.grading.findings import IntegrityFinding, IntegrityRule
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
    # why no test could be graded from the report: unreadable, or never written (pytest
    # crashed or could not start), None when the report was read
    report_problem: str | None = None
    report_unreadable: bool = False  # the report exists but is empty or broken: not the patch
    integrity: tuple[IntegrityFinding, ...] = ()  # what the canary and the sealer found
    full: tuple[str, ...] = ()  # folders that ran out of space during the run (a disk limit)

    @property
    def resolved(self) -> bool:
        """Every FAIL_TO_PASS and PASS_TO_PASS test passed (missing counts as failed)."""
        passed = all(o.status is TestStatus.PASSED for o in self.outcomes)
        return not self.timed_out and not self.integrity and passed


SETUP_FAILED = 97
# The grading command's own exit code once the sealer has written its file: pytest's travels
# in that file. Any other code means the sealer did not finish (the tests killed the shell,
# the command's `timeout`, or the sealer itself), and a file at its path is not the sealer's.
SEALED_EXIT = 0
SEAL_FAILED = 96
SEAL_SOURCE = (Path(__file__).parent / "seal_script.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class TestRun:
    """One pytest run, as the sealer found it once every process the tests left was gone."""

    __test__ = False  # not a pytest test class

    result: ExecResult  # the grading command's (its exit code is the sealer's, `SEALED_EXIT`)
    statuses: dict[tuple[str, str], TestStatus]  # (classname, name) -> status, from the report
    sealed: bool  # False when the sealer never ran (the run timed out, or its shell was ended)
    strays: tuple[str, ...] = ()  # command lines of processes still running when pytest exited
    problem: str | None = None  # why the report could not be trusted, when it could not
    unreadable: str | None = None  # a report that exists but is empty or not XML, and why
    absent: bool = False  # pytest wrote no report at all
    full: tuple[str, ...] = ()  # folders the tests could write that had no room left
    pytest_exit: int | None = None  # pytest's exit code, as the sealer recorded it

    @property
    def exit_code(self) -> int:
        """pytest's exit code when sealed, else the grading command's."""
        return self.result.exit_code if self.pytest_exit is None else self.pytest_exit


def pytest_command(base_command: str, junit_path: str, files: Iterable[str]) -> str:
    """A pytest command line reporting to `junit_path`, limited to `files`."""
    # --rootdir pins node ids to the repository root whatever config files it has (or lacks);
    # one test file that fails to import must not hide the results of the others.
    extra = ["--rootdir=.", "--continue-on-collection-errors", f"--junitxml={junit_path}"]
    return f"{base_command} {shlex.join([*extra, *dict.fromkeys(files)])}"


def grading_script(sandbox: Sandbox, command: str, run_dir: str, setup: str | None) -> str:
    """The shell script of one test run: set-up, pytest under the harness's settings, sealer.

    Plugin autoload is off and pytest's environment options are dropped on every backend: only
    the repository's own (protected) configuration and the harness's flags configure pytest.
    The script exits `SEALED_EXIT` only after the sealer wrote its file (pytest's exit code is
    in it): the tested code can write a file where the sealer's goes and then kill the shell,
    but it cannot make the shell exit normally without the sealer having run.
    """
    token = f"CODEBENCH_ATTEMPT={secrets.token_hex(16)}"
    mode = "all" if sandbox.owns_all_processes else "token"
    # -I, -S and cd /: no module the patch added (a json.py at the repository root) loads into
    # it, nor any path hook of the environment's site-packages (it needs the stdlib only)
    seal = [sandbox.harness_python, "-I", "-S", "-c", SEAL_SOURCE, mode, token]
    sealed_args = [f"{run_dir}/junit.xml", f"{run_dir}/sealed", sandbox.workdir, sandbox.scratch]
    script = f"{{ {setup}\n}} >&2 || exit {SETUP_FAILED}\n" if setup else ""
    return script + (
        f"export PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 {token}\n"
        "unset PYTEST_ADDOPTS PYTEST_PLUGINS\n"
        f"mkdir -m 700 {run_dir} || exit {SETUP_FAILED}\n"
        f"{command}\ncode=$?\n"
        f'(cd / && {shlex.join(seal)} "$code" {shlex.join(sealed_args)} /tmp "$HOME") >&2'
        f" && exit {SEALED_EXIT}\nexit {SEAL_FAILED}\n"
    )


def run_pytest(
    sandbox: Sandbox,
    base_command: str,
    files: Iterable[str],
    timeout: float,
    setup: str | None = None,
) -> TestRun:
    """Run pytest on `files`, then read its JUnit report once nothing it started still runs.

    `setup`, a shell snippet, runs first in the same sandbox command (one round trip fewer);
    if it fails, `TestSetupError` carries its output (any other `SandboxError` is the
    sandbox's). The report goes to a fresh random folder
    in the scratch directory, outside the repository; the sealer copies it out after ending
    every stray process, and the harness reads that copy, never the tests' output.
    """
    run_dir = f"{sandbox.scratch}/run-{secrets.token_hex(8)}"
    command = pytest_command(base_command, f"{run_dir}/junit.xml", files)
    result = sandbox.sh(grading_script(sandbox, command, run_dir, setup), timeout=timeout)
    if setup and result.exit_code == SETUP_FAILED:
        raise TestSetupError(f"test set-up failed: {result.stderr.strip()[-2000:]}")
    # only the sealer's own exit says its file is its own (see `grading_script`)
    sealed_exit = result.exit_code == SEALED_EXIT and not result.timed_out
    sealed = _read_sealed(sandbox, f"{run_dir}/sealed") if sealed_exit else None
    if sealed is None:
        return TestRun(result, {}, sealed=False)
    report, problem = sealed.get("report"), sealed.get("problem")
    listed = sealed.get("strays")
    strays = tuple(str(s) for s in listed) if isinstance(listed, list) else ()
    statuses, unreadable = _parse_report(report) if isinstance(report, str) else ({}, None)
    absent = report is None and not problem
    problem_text = str(problem) if problem else None
    listed_full = sealed.get("full")
    full = tuple(str(f) for f in listed_full) if isinstance(listed_full, list) else ()
    code = sealed.get("exit_code")
    pytest_exit = code if isinstance(code, int) else None
    return TestRun(
        result, statuses, True, strays, problem_text, unreadable, absent, full, pytest_exit
    )


def _read_sealed(sandbox: Sandbox, path: str) -> dict[str, object] | None:
    try:
        data = json.loads(sandbox.read_file(path))
    except (SandboxError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class TestTally:
    """What one pytest run of some test files reported: each test's status by node id."""

    __test__ = False  # not a pytest test class

    statuses: dict[str, TestStatus]  # in report order
    unattributed: int  # report entries of no known test: collection errors (a file that broke)
    timed_out: bool = False  # the run hit its deadline (and was killed): no report
    reported: bool = True  # a readable report was read (False: pytest wrote none, or a broken one)
    exit_code: int = 0
    output_tail: str = ""  # the end of the run's output (stdout, then stderr)

    @property
    def passed(self) -> tuple[str, ...]:
        """The node ids of the tests that passed, in report order."""
        return tuple(t for t, status in self.statuses.items() if status is TestStatus.PASSED)


def tally_tests(
    sandbox: Sandbox, base_command: str, files: Iterable[str], timeout: float
) -> TestTally:
    """Run the tests in `files` and tally what the report says of each (no canary, no seal
    findings: for authoring, not grading), with how the run ended (a timeout, no report).
    Raises `SandboxError` when the sandbox fails."""
    files = tuple(files)
    run = run_pytest(sandbox, base_command, files, timeout)
    statuses: dict[str, TestStatus] = {}
    unattributed = 0
    for key, status in run.statuses.items():
        node_id = node_id_of(key, files)
        if node_id is None:
            unattributed += 1
        else:
            statuses[node_id] = status
    reported = run.sealed and not run.absent and not run.unreadable and not run.problem
    return TestTally(
        statuses,
        unattributed,
        timed_out=run.result.timed_out,
        reported=reported,
        exit_code=run.exit_code,
        output_tail=_tail(run.result),
    )


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
    """Run the task's tests in `sandbox` and grade every listed test from the sealed report.

    A fresh canary pair runs with them, and the sealer's findings (strays, a report that is not
    a plain file, a sealer that never ran) become integrity findings. `setup` is a shell
    snippet run first, e.g. adding the hidden tests.
    """
    canary = make_canary(spec.test_ids)
    setup = f"{setup}\n{canary.write_script()}" if setup else canary.write_script()
    files = [test_id.split("::", 1)[0] for test_id in spec.test_ids]
    run = run_pytest(sandbox, spec.test_command, files, spec.timeout, setup)
    outcomes = [
        TestOutcome(test_id=test_id, status=status, fail_to_pass=group)
        for group, ids in ((True, spec.fail_to_pass), (False, spec.pass_to_pass))
        for test_id, status in statuses_for(ids, run.statuses).items()
    ]
    findings = [] if run.result.timed_out else seal_findings(run)
    if run.sealed:
        findings += canary_findings(canary, run.statuses, outcomes)
    return GradeReport(
        outcomes=tuple(outcomes),
        timed_out=run.result.timed_out,
        exit_code=run.exit_code,
        log_tail=_tail(run.result),
        seconds=run.result.seconds,
        report_problem=_report_problem(run),
        report_unreadable=run.unreadable is not None,
        integrity=tuple(findings),
        full=run.full,
    )


def _report_problem(run: TestRun) -> str | None:
    if run.result.timed_out or not run.sealed or run.problem:
        return None  # told elsewhere: a timeout, or an integrity finding
    if run.unreadable:
        return run.unreadable
    if run.absent:
        code = run.exit_code
        return f"pytest wrote no report (exit code {code}): it crashed or could not start"
    return None


def seal_findings(run: TestRun) -> list[IntegrityFinding]:
    """What the sealer saw: processes that outlived pytest, or a report it could not trust."""
    if not run.sealed:
        detail = (
            "the harness's sealer did not run after pytest: the tested code ended the shell "
            "that runs the tests"
        )
        return [IntegrityFinding(rule=IntegrityRule.REPORT_CHANNEL, detail=detail)]
    findings = [
        IntegrityFinding(
            rule=IntegrityRule.STRAY_PROCESS,
            detail="still running when pytest exited (stopped and killed before the report "
            "was read)",
            symbol=command[:200],
        )
        for command in dict.fromkeys(run.strays)
    ]
    if run.problem:
        findings.append(IntegrityFinding(rule=IntegrityRule.REPORT_CHANNEL, detail=run.problem))
    return findings


def _parse_report(text: str) -> tuple[dict[tuple[str, str], TestStatus], str | None]:
    """Statuses from a report pytest wrote, or why it cannot be read: pytest never writes an
    empty or broken file, so one is the machine's failure (disk full), not the patch's."""
    if not text.strip():
        return {}, "the JUnit report is empty (was the disk full?)"
    try:
        return parse_junit(text), None
    except ET.ParseError as exc:
        return {}, f"the JUnit report is not valid XML ({exc}; was the disk full?)"


def _tail(result: ExecResult, limit: int = 4000) -> str:
    text = (result.stdout + ("\n" + result.stderr if result.stderr else "")).strip()
    return text[-limit:]
