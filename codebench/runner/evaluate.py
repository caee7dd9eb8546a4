"""Evaluating one patch for one task: sandbox -> apply -> guard tests -> grade.

This is the flow of DESIGN.md for a single attempt; the run loop and `tasks validate` share it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from codebench.errors import SandboxError, TestSetupError
from codebench.grading import (
    GradeReport,
    IntegrityFinding,
    TestStatus,
    grade,
    scan_patch,
    shadowing_findings,
    tree_findings,
)
from codebench.patching import (
    AppliedPatch,
    ApplyStep,
    ParsedPatch,
    PatchRejection,
    apply_patch,
    can_carry,
    find_tampering,
    is_empty_patch,
    parse_patch,
    patch_file,
    revert_paths,
    staged_patch_files,
)
from codebench.results import Evaluation, Status
from codebench.sandbox import Backend, ImageSet, Limits, Sandbox, open_sandbox
from codebench.tasks import Task

LOCAL_IMAGE_ID = "local-unsafe"  # what results of the local backend record as their image
NO_TESTS = ParsedPatch(text="", files=())  # the hidden tests of a task that has none


@dataclass(frozen=True)
class SandboxSettings:
    """Where and how attempts run."""

    backend: Backend
    images: ImageSet = field(default_factory=ImageSet)  # unused by the local backend
    limits: Limits = field(default_factory=Limits)
    # at most this many sandboxes at once (model calls have their own limit)
    slots: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(2))

    def image_id(self, key: str) -> str:
        """The image id of an environment key; raises `SandboxError` if it was not prepared."""
        if self.backend is Backend.LOCAL:
            return LOCAL_IMAGE_ID
        return self.images.image_id(key)

    def image_for(self, task: Task) -> str:
        """The image id a task runs in."""
        return self.image_id(task.spec.image)


def evaluate_patch(
    task: Task, patch_text: str, settings: SandboxSettings, *, grade_empty: bool = False
) -> Evaluation:
    """Apply `patch_text` to the task's starting tree in a fresh sandbox and grade it.

    An empty patch is `empty_patch` without a sandbox unless `grade_empty` (used to check that
    FAIL_TO_PASS tests fail on the starting tree).
    """
    empty = is_empty_patch(patch_text)
    if empty and not grade_empty:
        return Evaluation(status=Status.EMPTY_PATCH, reason="the patch changes nothing")
    parsed = None if empty else parse_patch(patch_text, task.repo_dir)
    if isinstance(parsed, PatchRejection):
        return Evaluation(status=Status.MALFORMED_PATCH, reason=parsed.reason)
    # a task without hidden tests (they are in its starting tree) adds none
    hidden = parse_patch(task.tests_patch, task.repo_dir) if task.spec.hidden_tests else NO_TESTS
    if isinstance(hidden, PatchRejection):
        reason = f"{task.task_dir}/tests.patch: {hidden.reason}"
        return Evaluation(status=Status.SANDBOX_ERROR, reason=reason)
    # both patches travel in the apply chain's command when small, else with the starting tree:
    # no copy into the sandbox of their own
    tests = {"hidden-tests": hidden} if hidden.files else {}
    staged = staged_patch_files(tests | ({"model": parsed} if parsed else {}))
    carried = staged if parsed is not None and can_carry(staged) else {}
    image = settings.image_for(task)
    with settings.slots:
        start = time.monotonic()  # time in the sandbox, not waiting for a free slot
        try:
            with open_sandbox(
                settings.backend, task.repo_dir, image, settings.limits, {} if carried else staged
            ) as box:
                evaluation = _evaluate_in(box, task, parsed, hidden, carried)
        except SandboxError as exc:
            evaluation = Evaluation(status=Status.SANDBOX_ERROR, reason=str(exc))
        return evaluation.model_copy(update={"eval_seconds": time.monotonic() - start})


def _evaluate_in(
    box: Sandbox,
    task: Task,
    patch: ParsedPatch | None,
    hidden: ParsedPatch,
    carried: dict[str, bytes],
) -> Evaluation:
    step: ApplyStep | None = None
    changed: tuple[str, ...] = ()
    visible: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    effective = ""
    if patch is not None:
        applied = apply_patch(box, patch, "model", staged=True, carried=carried)
        if not isinstance(applied, AppliedPatch):
            return Evaluation(status=Status.APPLY_FAILED, reason=applied.reason)
        step, changed, effective = applied.step, applied.changed_paths, applied.effective_diff
        visible, added = applied.git_visible, applied.added_paths
    tampered = find_tampering(box, changed, hidden.paths)
    findings = tree_findings(changed, visible, tampered) + shadowing_findings(added)
    findings += scan_patch(effective, task.starting_text)
    revert_paths(box, tampered)
    # the hidden tests go in by the same sandbox command that runs them; then every staged
    # patch is deleted, so the tested code cannot read the hidden tests' diff
    add_hidden_tests = (
        f"git apply --whitespace=nowarn {patch_file(box, 'hidden-tests')} && "
        if hidden.files
        else ""
    ) + f"rm -f -- {box.scratch}/*.patch {box.scratch}/*.patch.*"
    try:
        report = grade(box, task.spec, setup=add_hidden_tests)
    except TestSetupError as exc:  # an engine fault is not the task's: it passes as it is
        raise SandboxError(f"{task.task_dir}/tests.patch does not apply: {exc}") from exc
    findings += report.integrity
    return Evaluation(
        status=Status.INTEGRITY_VIOLATION if findings else _status(report),
        reason=_reason(report, tampered, findings),
        apply_step=step,
        tampered_paths=tampered,
        integrity=tuple(findings),
        tests=report.outcomes,
        log_tail=report.log_tail,
        effective_patch=effective,
    )


def _status(report: GradeReport) -> Status:
    if report.timed_out:
        return Status.TIMEOUT
    if report.resolved:
        return Status.RESOLVED
    # a test run that filled a disk limit says nothing about the patch's correctness
    if report.report_unreadable or report.full:
        return Status.SANDBOX_ERROR
    return Status.UNRESOLVED


def _reason(
    report: GradeReport, tampered: tuple[str, ...], findings: list[IntegrityFinding]
) -> str | None:
    notes = [f"integrity: {finding.describe()}" for finding in findings[:3]]
    if len(findings) > 3:
        notes.append(f"and {len(findings) - 3} more integrity finding(s)")
    if report.timed_out:
        notes.append("the test command timed out and was killed")
    if report.report_problem:
        notes.append(report.report_problem)
    if report.full and not report.resolved:
        notes.append(f"a disk limit was hit: no space left in {', '.join(report.full)}")
    failing = [o.test_id for o in report.outcomes if o.status is not TestStatus.PASSED]
    if failing and not report.timed_out:
        notes.append(f"{len(failing)} listed test(s) did not pass: {', '.join(failing[:5])}")
    if tampered:
        notes.append(f"reverted edits to protected paths: {', '.join(tampered)}")
    return "; ".join(notes) or None
