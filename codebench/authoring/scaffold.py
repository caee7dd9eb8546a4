"""`tasks scaffold`: turn a before/after pair of working copies into a task folder.

The diff is split into `gold.patch` (source) and `tests.patch` (test files), documentation left
out; both are run in a sandbox to find FAIL_TO_PASS (fails before, passes after) and
PASS_TO_PASS (passes both). The folder is written beside its target and renamed into place
last, so a scaffold that fails or is interrupted leaves nothing behind.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from codebench.authoring.judging import BEFORE, WITH
from codebench.authoring.split import DiffSplit, copy_tree, split_diff
from codebench.authoring.testruns import (
    no_fail_to_pass_message,
    run_failure,
    tally_patched,
    test_modules,
)
from codebench.authoring.validate import PLACEHOLDER
from codebench.authoring.writing import (
    TaskFields,
    check_target,
    measure_scope,
    rename_into_place,
    staged,
    task_toml,
)
from codebench.errors import TaskError
from codebench.runner import SandboxSettings
from codebench.tasks import Category, Scope
from codebench.tasks.loader import GOLD_PATCH, TASK_FILE, TESTS_PATCH
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND, DEFAULT_TIMEOUT
from codebench.tasks.tree import iter_tree

INSTRUCTION_HINT = "the request, as a user of the repository would write it"


@dataclass(frozen=True)
class ScaffoldRequest:
    """What to scaffold and where."""

    task_id: str
    before: Path
    after: Path
    task_dir: Path
    category: Category
    repo_dir: Path | None = None  # a shared starting tree (created from `before` if absent)
    title: str | None = None
    instruction: str | None = None
    test_command: str = DEFAULT_TEST_COMMAND
    image: str = DEFAULT_IMAGE  # the sandbox environment (task.toml's `image`)


@dataclass(frozen=True)
class ScaffoldResult:
    """What was written."""

    task_dir: Path
    scope: Scope
    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]
    excluded: tuple[str, ...] = ()  # changed documentation files, left out of the gold patch
    drafts: tuple[str, ...] = ()  # task.toml fields written as "TODO: ..." placeholders


def scaffold(request: ScaffoldRequest, settings: SandboxSettings) -> ScaffoldResult:
    """Write `task.toml`, `gold.patch` and `tests.patch` (and the starting tree if needed).

    Raises `TaskError` when the folder exists or lies in the installed package's read-only
    suites, the pair differs in no source or no test file, a patch does not apply, or no test
    fails before the change and passes after it (with how many tests ran before and after).
    Nothing is left on disk when it raises or is interrupted.
    """
    check_target(request.task_dir)
    split = split_diff(request.before, request.after)
    if not split.gold or not split.tests:
        missing = "source files" if not split.gold else "test files"
        raise TaskError(request.after, f"differs from --before in no {missing}; a task needs both")
    repo_dir = _starting_tree(request)
    # tests run on --before itself until they pass: a failed scaffold writes nothing
    start = repo_dir if repo_dir.exists() else request.before
    fail_to_pass, pass_to_pass = _classify_tests(start, split, request, settings)
    scope = measure_scope(split.gold, start)
    files = {
        GOLD_PATCH: split.gold,
        TESTS_PATCH: split.tests,
        TASK_FILE: _task_toml(request, scope, repo_dir, fail_to_pass, pass_to_pass),
    }
    _write_task(request, repo_dir, files)
    drafts = tuple(field for field in ("title", "instruction") if getattr(request, field) is None)
    return ScaffoldResult(
        request.task_dir, scope, fail_to_pass, pass_to_pass, split.excluded, drafts
    )


def _starting_tree(request: ScaffoldRequest) -> Path:
    """Where the task's starting tree lives; one already there must equal --before."""
    target = request.repo_dir or request.task_dir / "repo"
    if target.exists() and dict(iter_tree(target)) != dict(iter_tree(request.before)):
        raise TaskError(target, "exists but differs from --before; the task must start there")
    return target


def _write_task(request: ScaffoldRequest, repo_dir: Path, files: dict[str, str]) -> None:
    """Write the task folder (and a new shared starting tree) into temporary folders beside
    their targets, then rename each into place; on any failure, remove what was written."""
    own_repo = repo_dir == request.task_dir / "repo"
    new_shared = not own_repo and not repo_dir.exists()
    with staged(request.task_dir) as task_stage:
        for name, text in files.items():
            (task_stage / name).write_text(text, encoding="utf-8")
        if own_repo:
            copy_tree(request.before, task_stage / "repo")
        try:
            if new_shared:
                with staged(repo_dir) as repo_stage:
                    copy_tree(request.before, repo_stage)
                    rename_into_place(repo_stage, repo_dir)
            rename_into_place(task_stage, request.task_dir)
        except BaseException:
            if new_shared:  # a starting tree no task uses
                shutil.rmtree(repo_dir, ignore_errors=True)
            raise


def _classify_tests(
    repo_dir: Path, split: DiffSplit, request: ScaffoldRequest, settings: SandboxSettings
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    test_files = test_modules(path for path, _ in iter_tree(request.after))
    run = partial(
        tally_patched,
        repo_dir,
        files=test_files,
        test_command=request.test_command,
        image=request.image,
        settings=settings,
        timeout=DEFAULT_TIMEOUT,  # the task's own
    )
    before, after = run([split.tests]), run([split.gold, split.tests])
    for tally, side in ((before, BEFORE), (after, WITH)):
        failure = run_failure(tally, side, DEFAULT_TIMEOUT)
        if failure is not None:
            raise TaskError(request.after, failure)
    passed_before = set(before.passed)
    fail_to_pass = tuple(t for t in after.passed if t not in passed_before)
    pass_to_pass = tuple(t for t in after.passed if t in passed_before)
    if not fail_to_pass:
        raise TaskError(request.after, no_fail_to_pass_message(before, after))
    return fail_to_pass, pass_to_pass


def _task_toml(
    request: ScaffoldRequest,
    scope: Scope,
    repo_dir: Path,
    fail_to_pass: tuple[str, ...],
    pass_to_pass: tuple[str, ...],
) -> str:
    fields = TaskFields(
        task_id=request.task_id,
        title=request.title or f"{PLACEHOLDER} a short title",
        instruction=request.instruction or f"{PLACEHOLDER} {INSTRUCTION_HINT}",
        scope=scope,
        category=request.category,
        fail_to_pass=fail_to_pass,
        pass_to_pass=pass_to_pass,
        repo=repo_dir.name if request.repo_dir is not None else None,
        image=request.image,
        test_command=request.test_command,
    )
    return task_toml(fields)
