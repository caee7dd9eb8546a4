"""What a model is told after a failed try (`--tries`): the problem, and the output of the
tests the repository already has, run with the try's patch applied.

Nothing of the hidden tests can reach it. The feedback is a function of the starting tree, the
task's list of test ids (filtered to files the starting tree has), the try's own patch and
reply, and the graded status (which says only whether the try failed, and how: a model told to
try again learns that much by being asked). It never reads the grading's `Evaluation.reason`
(which names the hidden tests that failed), its test outcomes or its log. The visible tests run
in a fresh sandbox that never holds the hidden tests, so code of the patch that would copy them
out of a grading run (into the tree, /tmp, its output) finds nothing to copy there; and no
Docker sandbox keeps anything of another (tmpfs folders, a read-only root, no network). The
unsafe local backend runs patches on the host, where a grading run could leave a copy for the
feedback run to print: there, as for grading itself, nothing is guaranteed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from codebench.grading import run_pytest
from codebench.patching import (
    AppliedPatch,
    PatchRejection,
    apply_patch,
    find_tampering,
    parse_patch,
    revert_paths,
    staged_patch_files,
)
from codebench.results import Status
from codebench.runner.evaluate import SandboxSettings
from codebench.sandbox import Sandbox, open_sandbox
from codebench.tasks import Task

# A try ending so is the model's answer and not good yet: it is asked again (tries remain).
# Not integrity_violation (a model caught gaming the grader is not coached), nor provider,
# harness or submission failures (they say nothing about the answer).
RETRIED_WITH_FEEDBACK = frozenset(
    {Status.UNRESOLVED, Status.EMPTY_PATCH, Status.MALFORMED_PATCH, Status.APPLY_FAILED}
)
MAX_OUTPUT_CHARS = 4000  # of the test output shown: its tail, where pytest's summary is
NO_TESTS = "(none were run: the tests this task lists are all new ones, which you cannot see)"


@dataclass(frozen=True)
class Feedback:
    """What the model is told of one failed try."""

    problem: str
    test_output: str | None = None  # None: the failure needed no test run (no usable edit)
    seconds: float = 0.0  # in the sandbox running the visible tests


def visible_test_files(task: Task) -> tuple[str, ...]:
    """The test files run for feedback: the files of the task's listed tests (FAIL_TO_PASS and
    PASS_TO_PASS) that the starting tree already has, in the order listed.

    Why these: they are what the task's author checked to be the tests that matter to this
    change, and what the model could read in the starting tree anyway (a file the hidden tests
    only modify runs as the starting tree has it: the model sees its old tests, never the new
    ones). Whole files, never test ids: pytest would answer an id the starting file lacks
    with "not found: <id>", naming a hidden test. Not the whole suite: it may be slow, or
    hold tests that fail on the starting tree already, which would only mislead.
    """
    files = dict.fromkeys(test_id.split("::", 1)[0] for test_id in task.spec.test_ids)
    return tuple(path for path in files if (task.repo_dir / path).is_file())


def feedback_for(
    task: Task, patch: str, status: Status, format_error: str | None, settings: SandboxSettings
) -> Feedback:
    """The feedback on a try that ended in `status` (one of RETRIED_WITH_FEEDBACK).

    Raises:
        SandboxError: the sandbox running the visible tests failed.
    """
    if format_error is not None:
        return Feedback(f"your reply held no usable edit: {format_error}")
    if status is Status.EMPTY_PATCH:
        return Feedback("your reply changed nothing: the task needs an edit")
    parsed = parse_patch(patch, task.repo_dir)
    if isinstance(parsed, PatchRejection):
        return Feedback(f"your edits do not make a usable patch: {parsed.reason}")
    staged = staged_patch_files({"model": parsed})
    with settings.slots:
        start = time.monotonic()
        with open_sandbox(
            settings.backend, task.repo_dir, settings.image_for(task), settings.limits, staged
        ) as box:
            applied = apply_patch(box, parsed, "model", staged=True)
            if not isinstance(applied, AppliedPatch):
                problem = f"your patch does not apply to the starting tree: {applied.reason}"
                return Feedback(problem, "(no tests were run)", time.monotonic() - start)
            output, failed = _visible_run(box, task, applied)
    return Feedback(_problem(status, failed), output, time.monotonic() - start)


def _visible_run(box: Sandbox, task: Task, applied: AppliedPatch) -> tuple[str, bool]:
    """The visible tests' output with the patch applied, and whether they failed. Edits to
    test files and test configuration are reverted first, as grading reverts them."""
    tampered = find_tampering(box, applied.changed_paths)
    revert_paths(box, tampered)
    note = f"(your edits to {', '.join(tampered)} were reverted: tests are not yours to edit)\n"
    reverted = note if tampered else ""
    files = visible_test_files(task)
    if not files:
        return reverted + NO_TESTS, False
    run = run_pytest(box, task.spec.test_command, files, task.spec.timeout)
    result, code = run.result, run.exit_code  # pytest's own code (the command's is the sealer's)
    if result.timed_out:
        head = f"the tests in {', '.join(files)} did not finish within {task.spec.timeout} s"
    else:
        head = f"the tests in {', '.join(files)}, run with your edits (exit code {code})"
    text = (result.stdout + ("\n" + result.stderr if result.stderr.strip() else "")).strip()
    return f"{reverted}{head}:\n{clip_output(text)}", result.timed_out or code != 0


def _problem(status: Status, visible_failed: bool) -> str:
    if status is Status.APPLY_FAILED:  # graded so, though it applied here: say what we know
        return "your patch did not apply when it was graded"
    seen = (
        "the repository's own tests fail too (below)"
        if visible_failed
        else ("the repository's own tests pass (below)")
    )
    return (
        "your edits applied, but the task is not done: the tests that decide it (which you "
        f"cannot see) do not all pass; {seen}"
    )


def clip_output(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """The last `limit` characters of `text`, with a note saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"[... the first {len(text) - limit} characters are cut ...]\n{text[-limit:]}"
