"""`tasks mine`: tasks from a repository's history.

Each commit that changes code and tests becomes a candidate (`commit_checks`); its diff is split
into the gold patch (code), the hidden tests and the documentation left out (`split`); the
parent's tree is written out as the starting tree, the touched test modules run on it with the
tests added and then with the code too, several times (`judging`); a commit with FAIL_TO_PASS
tests is written as a task folder (beside its target, renamed into place last), with a drafted
title and instruction that `tasks validate` refuses until a person has rewritten them. Every
decision goes into the suite's `.mined.json`, so a rerun decides only what is new.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from codebench.authoring.commit_checks import MIB, Candidate, check_commit
from codebench.authoring.history import CommitInfo, export_tree, list_commits, origin_url
from codebench.authoring.instructions import Instructor, draft_from_message
from codebench.authoring.judging import BEFORE, WITH, TestLists, failed_run, judge, worth_more_runs
from codebench.authoring.mining_state import STATE_FILE, CommitRecord, StateFile, settings_key
from codebench.authoring.reasons import Reason, Rejection
from codebench.authoring.split import DiffSplit, split_revisions
from codebench.authoring.testruns import tally_patched
from codebench.authoring.writing import TaskFields, measure_scope, rename_into_place, staged
from codebench.authoring.writing import task_toml as render_task_toml
from codebench.errors import SandboxError, TaskError, UnappliedPatchError
from codebench.grading import TestTally
from codebench.paths import is_bundled
from codebench.runner import SandboxSettings
from codebench.sandbox import finish_closing
from codebench.tasks import Category, Origin, Scope, Source
from codebench.tasks.loader import GOLD_PATCH, TASK_FILE, TESTS_PATCH
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND, DEFAULT_TIMEOUT

DEFAULT_MAX_TREE_BYTES = 50 * MIB
GOLD_RUNS = 3
CATEGORY_NOTE = "guessed from the commit message; check it"
# the first of these words in a commit's subject guesses its category (else: feature)
CATEGORY_WORDS = (
    (Category.BUG_FIX, ("fix", "fixes", "fixed", "bug", "bugfix", "crash", "regression")),
    (Category.REFACTOR, ("refactor", "refactoring", "cleanup", "simplify")),
    (Category.RENAME_SIGNATURE, ("rename", "renamed")),
)


@dataclass(frozen=True)
class MineRequest:
    """What to mine and where the tasks go."""

    repo: Path
    suite_dir: Path
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None  # commits decided by this run, at most
    commits: tuple[str, ...] = ()  # these commits instead of the history's
    test_command: str = DEFAULT_TEST_COMMAND
    image: str = DEFAULT_IMAGE
    max_tree_bytes: int = DEFAULT_MAX_TREE_BYTES
    gold_runs: int = GOLD_RUNS
    timeout: int = DEFAULT_TIMEOUT  # seconds for one test run; the mined task's timeout too
    workers: int = 1
    instructor: Instructor = draft_from_message


@dataclass(frozen=True)
class MinedCommit:
    """A commit written as a task."""

    task_id: str
    task_dir: Path
    scope: Scope
    tests: TestLists
    excluded: tuple[str, ...]  # documentation left out of the gold patch
    note: str | None = None  # about the drafted instruction


@dataclass(frozen=True)
class Decision:
    """What became of one commit."""

    commit: CommitInfo
    outcome: MinedCommit | Rejection


@dataclass(frozen=True)
class MiningSummary:
    """What a run of `mine` decided, newest commit first."""

    decisions: tuple[Decision, ...]
    skipped: int  # commits in range that an earlier run had decided
    state_file: Path

    @property
    def mined(self) -> list[tuple[CommitInfo, MinedCommit]]:
        """The commits written as tasks, with the tasks."""
        return [(d.commit, d.outcome) for d in self.decisions if isinstance(d.outcome, MinedCommit)]

    @property
    def rejected(self) -> list[tuple[CommitInfo, Rejection]]:
        """The commits turned down, with why."""
        return [(d.commit, d.outcome) for d in self.decisions if isinstance(d.outcome, Rejection)]


@dataclass(frozen=True)
class _Context:
    request: MineRequest
    settings: SandboxSettings
    origin: str | None
    name: str  # the repository's name, the first part of every task id


def mine(request: MineRequest, settings: SandboxSettings, console: Console) -> MiningSummary:
    """Decide every commit in range not decided before (at most `limit`), `workers` at once.

    Raises `ConfigError` when `repo` is no git repository or a commit is unknown, or the state
    file is damaged; `TaskError` when the suite lies in the installed package's suites.
    """
    if is_bundled(request.suite_dir):
        raise TaskError(request.suite_dir, "is read-only; pass --tasks-dir (see codebench init)")
    request.suite_dir.mkdir(parents=True, exist_ok=True)
    state = StateFile(request.suite_dir / STATE_FILE)
    key = settings_key(request.test_command, request.image, request.max_tree_bytes, request.timeout)
    shas = request.commits
    commits = list_commits(request.repo, since=request.since, until=request.until, shas=shas)
    todo = [commit for commit in commits if state.decided(commit.sha, key) is None]
    skipped = len(commits) - len(todo)
    todo = todo[: request.limit] if request.limit is not None else todo
    origin = origin_url(request.repo)
    context = _Context(request, settings, origin, repository_name(request.repo, origin))
    decisions = _decide_all(todo, context, state, key, console)
    return MiningSummary(tuple(decisions), skipped, state.path)


def _decide_all(
    commits: list[CommitInfo], context: _Context, state: StateFile, key: str, console: Console
) -> list[Decision]:
    pool = ThreadPoolExecutor(max_workers=context.request.workers)
    with Progress(console=console) as progress:
        bar = progress.add_task(f"mining {context.name}", total=len(commits))

        def one(commit: CommitInfo) -> Decision:
            decision = decide(commit, context)
            _remember(state, decision, key)
            progress.advance(bar)
            return decision

        try:
            decisions = list(pool.map(one, commits))
        finally:  # Ctrl-C: what runs finishes (and is recorded), the rest never starts
            pool.shutdown(wait=True, cancel_futures=True)
    finish_closing()
    return decisions


def decide(commit: CommitInfo, context: _Context) -> Decision:
    """Mine one commit, or say why not (a failing sandbox is a rejection a rerun retries)."""
    try:
        return Decision(commit, _mine_commit(commit, context))
    except SandboxError as exc:
        return Decision(commit, Rejection(Reason.SANDBOX_ERROR, str(exc)))


def _mine_commit(commit: CommitInfo, context: _Context) -> MinedCommit | Rejection:
    request = context.request
    candidate = check_commit(request.repo, commit, request.max_tree_bytes)
    if isinstance(candidate, Rejection):
        return candidate
    task_dir = request.suite_dir / task_id_for(context.name, commit.sha)
    if task_dir.exists():
        return Rejection(Reason.TASK_EXISTS, f"{task_dir} exists; remove it to mine it again")
    try:
        split = split_revisions(request.repo, candidate.parent, commit.sha)
    except UnicodeDecodeError:
        return Rejection(Reason.BINARY, "the diff is not UTF-8 text")
    with staged(task_dir) as stage:
        try:
            export_tree(request.repo, candidate.parent, stage / "repo")
        except TaskError as exc:
            return Rejection(Reason.UNSAFE_TREE, _message(exc))
        verdict = _run_tests(stage / "repo", split, candidate, context)
        if isinstance(verdict, Rejection):
            return verdict
        return _write_task(stage, task_dir, candidate, split, verdict, context)


def _run_tests(
    repo_dir: Path, split: DiffSplit, candidate: Candidate, context: _Context
) -> TestLists | Rejection:
    """One run before (tests added), then up to `gold_runs` with the gold patch too; a run
    that timed out or wrote no report ends them (the commit is rejected)."""
    request = context.request
    run = partial(
        tally_patched,
        repo_dir,
        files=candidate.test_files,
        test_command=request.test_command,
        image=request.image,
        settings=context.settings,
        timeout=request.timeout,
    )
    try:
        before = run([split.tests])
        failed = failed_run(before, BEFORE, request.timeout)
        if failed is not None:
            return failed
        gold: list[TestTally] = []
        while len(gold) < request.gold_runs:
            gold.append(run([split.gold, split.tests]))
            if failed_run(gold[-1], WITH, request.timeout) or not worth_more_runs(before, gold):
                break
    except UnappliedPatchError as exc:
        return Rejection(Reason.NOT_APPLYING, _message(exc))
    return judge(before, gold, request.timeout)


def _write_task(
    stage: Path,
    task_dir: Path,
    candidate: Candidate,
    split: DiffSplit,
    tests: TestLists,
    context: _Context,
) -> MinedCommit:
    commit, request = candidate.commit, context.request
    draft = request.instructor(commit, split)
    scope = measure_scope(split.gold, stage / "repo")
    fields = TaskFields(
        task_id=task_dir.name,
        title=draft.title,
        instruction=draft.instruction,
        scope=scope,
        category=guess_category(commit.message),
        fail_to_pass=tests.fail_to_pass,
        pass_to_pass=tests.pass_to_pass,
        image=request.image,
        test_command=request.test_command,
        timeout=request.timeout,
        source=Source(repository=context.origin, commit=commit.sha),
        created_at=commit.committed_at,
        category_note=CATEGORY_NOTE,
        origin=Origin.MINED,
    )
    files = {GOLD_PATCH: split.gold, TESTS_PATCH: split.tests, TASK_FILE: render_task_toml(fields)}
    for name, text in files.items():
        (stage / name).write_text(text, encoding="utf-8")
    rename_into_place(stage, task_dir)
    return MinedCommit(task_dir.name, task_dir, scope, tests, split.excluded, draft.note)


def _remember(state: StateFile, decision: Decision, key: str) -> None:
    outcome = decision.outcome
    if isinstance(outcome, Rejection) and not outcome.reason.final:
        return
    mined = isinstance(outcome, MinedCommit)
    record = CommitRecord(
        outcome="mined" if mined else "rejected",
        reason=outcome.reason.value if isinstance(outcome, Rejection) else None,
        detail=outcome.detail if isinstance(outcome, Rejection) else "",
        task_id=outcome.task_id if isinstance(outcome, MinedCommit) else None,
        subject=decision.commit.subject,
        settings=key,
        decided_at=datetime.now(UTC),
    )
    state.record(decision.commit.sha, record)


def repository_name(repo: Path, origin: str | None) -> str:
    """A task-id-safe name: the origin's last path part (no `.git`), else the folder's."""
    raw = origin.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1] if origin else ""
    raw = raw.removesuffix(".git") or repo.resolve().name
    slug = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")[:40].strip("-")
    return slug or "repo"


def task_id_for(name: str, sha: str) -> str:
    """`<repository name>-<first 10 digits of the sha>`."""
    return f"{name}-{sha[:10]}"


def guess_category(message: str) -> Category:
    """bug_fix, refactor or rename_signature by a word of the subject; else feature."""
    words = set(re.findall(r"[a-z]+", message.strip().split("\n", 1)[0].lower()))
    for category, keys in CATEGORY_WORDS:
        if words & set(keys):
            return category
    return Category.FEATURE


def _message(exc: TaskError) -> str:
    """The error's message without the (temporary) path it names first."""
    return str(exc).removeprefix(f"{exc.path}: ")
