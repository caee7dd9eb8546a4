"""`tasks synth`: tasks made by corrupting a repository's own code in a known way.

HEAD's tree is written out; every site a kind of corruption can go (`corruptions`) is listed,
sorted and shuffled with the seed. The repository's test modules run on the original tree a few
times (a test must pass in every run to count: flaky and failing tests are dropped), once per
command. Then, in that order, each candidate's corruption is applied in a sandbox and the tests
run once: FAIL_TO_PASS are the counted tests that fail there, PASS_TO_PASS (at most
`max_pass_to_pass`, those of the same test files first) those that still pass. A candidate no
test detects, or (for local kinds) whose only failures are test modules that no longer import,
is rejected; so is one on a line a kept task corrupts, or in a file with `per_file` tasks of
its scope. A global candidate's follow-up (the gold) must then pass every counted test, and
leaving out any one of at least two of its files must fail one: else one file would do.
A kept candidate becomes a task folder: the corrupted tree as its starting tree, the exact
reversal (local kinds) or the follow-up (global kinds) as its gold patch, the tests in the tree
(`hidden_tests = false`), an instruction made from the failing tests' symptom. Decisions go
into the suite's `.synth.json`: a rerun with the same repository, seed and settings decides
only what is new.
"""

from __future__ import annotations

import hashlib
import random
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import zip_longest
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from codebench.authoring.api_usage import MIN_FOLLOWERS
from codebench.authoring.corruptions import ALL_KINDS, Corrupted, Corruptor, Site
from codebench.authoring.history import CommitInfo, export_tree, list_commits, origin_url
from codebench.authoring.judging import failed_run
from codebench.authoring.mine import repository_name
from codebench.authoring.mining_state import (
    SYNTH_STATE_FILE,
    CommitRecord,
    StateFile,
    decision_key,
)
from codebench.authoring.reasons import Reason, Rejection, listing
from codebench.authoring.split import copy_tree
from codebench.authoring.synth_text import (
    Rewriter,
    Wording,
    instruction_for,
    symptom_of,
    title_for,
)
from codebench.authoring.testruns import run_failure, tally_patched, test_modules
from codebench.authoring.writing import TaskFields, rename_into_place, staged, task_toml
from codebench.errors import ConfigError, SandboxError, TaskError, UnappliedPatchError
from codebench.grading import TestTally
from codebench.paths import is_bundled
from codebench.runner import SandboxSettings
from codebench.sandbox import finish_closing
from codebench.tasks import Category, Corruption, Origin, Scope, Source
from codebench.tasks.loader import GOLD_PATCH, TASK_FILE, read_texts
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND, DEFAULT_TIMEOUT

CORRUPTED = "on the corrupted tree"
ORIGINAL = "on the original tree"
FOLLOWED = "with the gold follow-up"
SCOPE_NOTE = "by the corruption's kind: global kinds' gold edits the API's users"
# seconds; a candidate's run gets 4x the slowest original run, at least this (pytest takes a
# while to report hundreds of failures: more-itertools' took over 20 s), at most --timeout
MIN_CANDIDATE_TIMEOUT = 60.0


@dataclass(frozen=True)
class SynthRequest:
    """What to corrupt, how much, and where the tasks go."""

    repo: Path
    suite_dir: Path
    count: int = 30  # tasks kept, counting those of earlier runs
    seed: int = 0
    kinds: tuple[Corruption, ...] = ALL_KINDS
    test_command: str = DEFAULT_TEST_COMMAND
    image: str = DEFAULT_IMAGE
    timeout: int = DEFAULT_TIMEOUT  # seconds for one run on the original; the task's timeout
    workers: int = 1
    original_runs: int = 3
    per_file: int = 3  # tasks per corrupted file and scope, at most
    max_pass_to_pass: int = 50
    rewriter: Rewriter | None = None  # --instruction-model: rewrites each instruction


@dataclass(frozen=True)
class SynthTask:
    """A candidate written as a task."""

    task_id: str
    task_dir: Path
    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]
    note: str | None = None  # why a model's rewrite of the instruction was not used


@dataclass(frozen=True)
class SynthDecision:
    """What became of one candidate."""

    site: Site
    outcome: SynthTask | Rejection


@dataclass(frozen=True)
class Baseline:
    """The tests on the original tree: those passing in every run, and the others."""

    stable: tuple[str, ...]
    dropped: tuple[str, ...]  # failing or flaky on the original: never listed
    seconds: float  # the slowest run
    timeout: float  # the original's deadline (--timeout)

    @property
    def candidate_timeout(self) -> float:
        """A candidate's run may be cut off sooner than the original's deadline: a corruption
        that makes a test hang is rejected without waiting out a long `--timeout` each time."""
        return min(self.timeout, max(MIN_CANDIDATE_TIMEOUT, 4 * self.seconds))


@dataclass(frozen=True)
class SynthSummary:
    """What a run of `synth` decided, in the order it tried the candidates."""

    decisions: tuple[SynthDecision, ...]
    sites: int  # candidates found in the tree
    skipped: int  # candidates an earlier run had decided (with these settings)
    kept_before: int  # tasks an earlier run had kept (they count towards `count`)
    baseline: Baseline | None  # None when nothing new had to run
    state_file: Path

    @property
    def kept(self) -> list[tuple[Site, SynthTask]]:
        """The candidates written as tasks."""
        return [(d.site, d.outcome) for d in self.decisions if isinstance(d.outcome, SynthTask)]

    @property
    def rejected(self) -> list[tuple[Site, Rejection]]:
        """The candidates turned down, with why."""
        return [(d.site, d.outcome) for d in self.decisions if isinstance(d.outcome, Rejection)]


@dataclass(frozen=True)
class _Verdict:
    corrupted: Corrupted
    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]
    symptom: str | None


@dataclass
class _Run:
    request: SynthRequest
    settings: SandboxSettings
    original: Path  # HEAD's tree, written out
    head: CommitInfo
    test_files: tuple[str, ...]
    corruptor: Corruptor
    state: StateFile
    key: str
    origin: str | None
    name: str
    baseline: Baseline | None = None
    places: set[str] = field(default_factory=set)
    per_file: Counter[tuple[Scope, str]] = field(default_factory=Counter)
    kept: int = 0  # tasks kept so far (replayed ones of earlier runs among them)
    pending: int = 0  # tasks earlier runs kept that the order has not reached yet
    lock: threading.Lock = field(default_factory=threading.Lock)


def synth(request: SynthRequest, settings: SandboxSettings, console: Console) -> SynthSummary:
    """Keep up to `count` validated corruptions of the repository's HEAD as task folders.

    Raises `ConfigError` when `repo` is no git repository or has no test module, when the tests
    cannot run on the original tree or none passes in every run (the message says what ran),
    or when the state file is damaged; `TaskError` when the suite lies in the installed
    package's suites, or HEAD's tree has a symlink leading out of it.
    """
    if is_bundled(request.suite_dir):
        raise TaskError(request.suite_dir, "is read-only; pass --tasks-dir (see codebench init)")
    head = list_commits(request.repo, shas=["HEAD"])[0]
    request.suite_dir.mkdir(parents=True, exist_ok=True)
    state = StateFile(request.suite_dir / SYNTH_STATE_FILE)
    with tempfile.TemporaryDirectory(prefix="codebench-synth-") as work:
        original = Path(work) / "original"
        export_tree(request.repo, head.sha, original)
        texts = read_texts(original)
        test_files = tuple(test_modules(sorted(texts)))
        if not test_files:
            raise ConfigError(f"--repo {request.repo}: HEAD has no test modules (tests/test_*.py)")
        origin = origin_url(request.repo)
        corruptor = Corruptor(texts, request.kinds)
        key, name = _settings_key(request, head), repository_name(request.repo, origin)
        run = _Run(
            request, settings, original, head, test_files, corruptor, state, key, origin, name
        )
        return _decide_all(run, console)


def _settings_key(request: SynthRequest, head: CommitInfo) -> str:
    return decision_key(
        head.sha, request.test_command, request.image, request.timeout, request.original_runs
    )


def _decide_all(run: _Run, console: Console) -> SynthSummary:
    order = taking_turns(run.corruptor.sites, run.request.seed)
    decided = {s.key: r for s in order if (r := _decided(run, s)) is not None}
    run.pending = kept_before = sum(r.outcome == "synthesized" for r in decided.values())
    decisions: list[SynthDecision] = []
    at = 0
    pool = ThreadPoolExecutor(max_workers=run.request.workers)
    with Progress(console=console) as progress:
        bar = progress.add_task(f"synthesizing {run.name}", total=run.request.count)
        try:
            while _wanted(run) > 0 and at < len(order) and not _all_capped(run):
                batch, at = _next_batch(run, order, at, decided, decisions)
                verdicts = list(pool.map(lambda site: _evaluate(run, site), batch))
                for site, verdict in zip(batch, verdicts, strict=True):
                    if _wanted(run) <= 0:
                        break  # decided by a later run, with a larger --count
                    decisions.append(SynthDecision(site, _settle(run, site, verdict)))
                progress.update(bar, completed=run.kept + run.pending)
        finally:  # Ctrl-C: what runs finishes, the rest never starts
            pool.shutdown(wait=True, cancel_futures=True)
    finish_closing()
    summary = (tuple(decisions), len(order), len(decided), kept_before, run.baseline)
    return SynthSummary(*summary, state_file=run.state.path)


def _decided(run: _Run, site: Site) -> CommitRecord | None:
    """An earlier run's decision on `site`; None when there is none, or it kept a task whose
    folder is gone (deleting a task frees its site for the next candidate)."""
    record = run.state.decided(site.key, run.key)
    if record is None or record.outcome != "synthesized":
        return record
    task_file = run.request.suite_dir / (record.task_id or "") / TASK_FILE
    return record if record.task_id and task_file.is_file() else None


def taking_turns(sites: Sequence[Site], seed: int) -> list[Site]:
    """The sites shuffled with `seed`, the kinds taking turns (a kind with few sites, such as
    a global one, is tried as early as one with many)."""
    shuffled = sorted(sites, key=lambda s: (s.path, s.line, s.column, s.kind.value))
    random.Random(seed).shuffle(shuffled)
    by_kind: dict[Corruption, list[Site]] = {}
    for site in shuffled:
        by_kind.setdefault(site.kind, []).append(site)
    queues = [by_kind[kind] for kind in Corruption if kind in by_kind]
    turns = zip_longest(*queues)
    return [site for turn in turns for site in turn if site is not None]


def _wanted(run: _Run) -> int:
    """How many more tasks to keep, counting those an earlier run kept as kept already."""
    return run.request.count - run.kept - run.pending


def _next_batch(
    run: _Run,
    order: list[Site],
    at: int,
    decided: dict[str, CommitRecord],
    decisions: list[SynthDecision],
) -> tuple[list[Site], int]:
    """Up to `workers` candidates to try at once from `order[at:]` (no more than are still
    wanted), and where to go on from. A crowded candidate is rejected here; one decided
    earlier is replayed (its place claimed) only before any candidate to try, so the outcome
    never depends on the number of workers."""
    batch: list[Site] = []
    while len(batch) < min(run.request.workers, _wanted(run)) and at < len(order):
        site = order[at]
        record = decided.get(site.key)
        if record is not None and batch:
            break
        at += 1
        if record is not None:
            if record.outcome == "synthesized":
                run.pending -= 1
                _claim(run, site)
            continue
        crowded = _crowded(run, site)
        if crowded is not None:
            decisions.append(SynthDecision(site, crowded))
        else:
            batch.append(site)
    return batch, at


def _all_capped(run: _Run) -> bool:
    """Whether every file with candidates has `per_file` tasks (the rest could only be
    rejected as crowded: they are not listed)."""
    return all(
        run.per_file[(scope, path)] >= run.request.per_file
        for scope, path in run.corruptor.scoped_paths
    )


def _crowded(run: _Run, site: Site) -> Rejection | None:
    if site.place in run.places:
        return Rejection(Reason.SAME_SITE, f"a kept task already corrupts {site.place}")
    scope = site.kind.scope
    if run.per_file[(scope, site.path)] >= run.request.per_file:
        cap = run.request.per_file
        return Rejection(
            Reason.FILE_CAP, f"{site.path} has {cap} {scope.value} tasks already (--per-file)"
        )
    return None


def _claim(run: _Run, site: Site) -> None:
    run.kept += 1
    run.places.add(site.place)
    run.per_file[(site.kind.scope, site.path)] += 1


def _settle(run: _Run, site: Site, verdict: _Verdict | Rejection) -> SynthTask | Rejection:
    """Write a validated candidate as a task (unless a task kept meanwhile crowds it out), and
    record the decision."""
    task_dir = run.request.suite_dir / task_id_for(run.name, site)
    outcome: SynthTask | Rejection
    crowded = _crowded(run, site)
    if crowded is not None:
        outcome = crowded
    elif isinstance(verdict, Rejection):
        outcome = verdict
    elif task_dir.exists():
        outcome = Rejection(Reason.TASK_EXISTS, f"{task_dir} exists; remove it to decide again")
    else:
        outcome = _write_task(run, site, verdict, task_dir)
        _claim(run, site)
    _remember(run, site, outcome)
    return outcome


def _evaluate(run: _Run, site: Site) -> _Verdict | Rejection:
    """Run the tests on the candidate's corruption (and a global one's follow-up) and judge
    them (a failing sandbox is a rejection a rerun retries)."""
    corrupted = run.corruptor.corrupt(site)
    if corrupted is None:
        return Rejection(Reason.INVALID_CORRUPTION, "a changed file does not parse")
    if site.kind.scope is Scope.GLOBAL and len(corrupted.fixed) < MIN_FOLLOWERS:
        files = listing(sorted(corrupted.fixed)) or "none"
        detail = (
            f"the follow-up edits {len(corrupted.fixed)} file(s) ({files}): a fix in one would do"
        )
        return Rejection(Reason.SINGLE_FILE_FIX, detail)
    try:
        verdict = _judge(run, corrupted, _baseline(run))
        if isinstance(verdict, _Verdict) and site.kind.scope is Scope.GLOBAL:
            return _follow_up_rejection(run, verdict, _baseline(run)) or verdict
        return verdict
    except UnappliedPatchError as exc:
        return Rejection(Reason.NOT_APPLYING, str(exc))
    except SandboxError as exc:
        return Rejection(Reason.SANDBOX_ERROR, str(exc))


def _judge(run: _Run, corrupted: Corrupted, baseline: Baseline) -> _Verdict | Rejection:
    """The counted tests on the starting tree: some must fail (for local kinds, not only at
    import)."""
    tally = _tally(run, [corrupted.start_patch], baseline.candidate_timeout)
    failed = failed_run(tally, CORRUPTED, baseline.candidate_timeout)
    if failed is not None:
        return failed
    passed = set(tally.passed)
    fail_to_pass = tuple(t for t in baseline.stable if t not in passed)
    if not fail_to_pass:
        detail = f"all {len(baseline.stable)} test(s) passing on the original pass {CORRUPTED}"
        return Rejection(Reason.UNDETECTED, detail)
    local = corrupted.site.kind.scope is Scope.LOCAL
    if local and not any(t in tally.statuses for t in fail_to_pass):
        modules = sorted({t.split("::", 1)[0] for t in fail_to_pass})
        detail = f"only whole test modules fail, at import: {listing(modules)}"
        return Rejection(Reason.IMPORT_CRASH, detail)
    pass_to_pass = _pass_to_pass(baseline, passed, fail_to_pass, run.request.max_pass_to_pass)
    symptom = symptom_of(tally.output_tail, fail_to_pass)
    return _Verdict(corrupted, fail_to_pass, pass_to_pass, symptom)


def _follow_up_rejection(run: _Run, verdict: _Verdict, baseline: Baseline) -> Rejection | None:
    """A global candidate's gold must pass every counted test, and leaving any one of at least
    `MIN_FOLLOWERS` of its files out must fail one (else a fix in one file would do)."""
    corrupted, timeout = verdict.corrupted, baseline.candidate_timeout
    tally = _tally(run, [corrupted.start_patch, corrupted.gold_patch()], timeout)
    failed = failed_run(tally, FOLLOWED, timeout)
    if failed is not None:
        return failed
    failing = [t for t in baseline.stable if t not in set(tally.passed)]
    if failing:
        return Rejection(Reason.GOLD_FAILS, f"{listing(failing)} fail {FOLLOWED}")
    needed: list[str] = []
    for path in sorted(corrupted.fixed):
        left_out = corrupted.gold_patch(leaving_out=path)
        tally = _tally(run, [corrupted.start_patch, left_out], timeout)
        passed = set(tally.passed)
        if tally.timed_out or any(t not in passed for t in verdict.fail_to_pass):
            needed.append(path)
        if len(needed) >= MIN_FOLLOWERS:
            return None
    detail = (
        f"the tests notice {len(needed)} of the follow-up's {len(corrupted.fixed)} file(s) "
        f"left out ({listing(needed) or 'none'}): at least {MIN_FOLLOWERS} must matter"
    )
    return Rejection(Reason.SINGLE_FILE_FIX, detail)


def _tally(run: _Run, patches: list[str], timeout: float) -> TestTally:
    """The test modules run on the original tree with `patches` applied (see
    `tally_patched`, whose errors it raises)."""
    request = run.request
    return tally_patched(run.original, patches, run.test_files, request.test_command,
                         request.image, run.settings, timeout)  # fmt: skip


def _pass_to_pass(
    baseline: Baseline, passed: set[str], fail_to_pass: tuple[str, ...], cap: int
) -> tuple[str, ...]:
    """The counted tests still passing, at most `cap`: those of the failing tests' files
    first, then the rest, in the original run's order."""
    files = {t.split("::", 1)[0] for t in fail_to_pass}
    passing = [t for t in baseline.stable if t in passed]
    near = [t for t in passing if t.split("::", 1)[0] in files]
    chosen = set((near + [t for t in passing if t not in near])[:cap])
    return tuple(t for t in passing if t in chosen)


def _baseline(run: _Run) -> Baseline:
    """The original tree's tests, run `original_runs` times the first time they are needed.

    Raises `ConfigError` when a run fails (timed out, no report) or no test passes in all.
    """
    with run.lock:
        if run.baseline is None:
            run.baseline = _run_original(run)
        return run.baseline


def _run_original(run: _Run) -> Baseline:
    request, tallies, slowest = run.request, [], 0.0
    for _ in range(request.original_runs):
        start = time.monotonic()
        tally = _tally(run, [], request.timeout)
        slowest = max(slowest, time.monotonic() - start)
        failure = run_failure(tally, ORIGINAL, request.timeout)
        if failure is not None:
            raise ConfigError(f"--repo {request.repo}: {failure}")
        tallies.append(tally)
    always = set.intersection(*(set(t.passed) for t in tallies))
    seen = list(dict.fromkeys(t for tally in tallies for t in tally.statuses))
    stable = tuple(t for t in seen if t in always)
    if not stable:
        raise ConfigError(
            f"--repo {request.repo}: no test passes {ORIGINAL} in all {request.original_runs} "
            f"run(s) ({len(seen)} ran); check --test-command (a src layout needs "
            f"'PYTHONPATH=src {DEFAULT_TEST_COMMAND}')"
        )
    return Baseline(stable, tuple(t for t in seen if t not in always), slowest, request.timeout)


def _wording(request: SynthRequest, site: Site, verdict: _Verdict) -> Wording:
    """The template's title and instruction, or a model's rewrite of them (which must keep the
    first failing test and a global task's API name)."""
    failing, kind = verdict.fail_to_pass, site.kind
    template = Wording(
        title_for(kind, failing, site.announcement),
        instruction_for(kind, failing, verdict.symptom, site.announcement),
    )
    if request.rewriter is None:
        return template
    keep = (failing[0], *([site.function] if kind.scope is Scope.GLOBAL else []))
    return request.rewriter(template, keep)


def _write_task(run: _Run, site: Site, verdict: _Verdict, task_dir: Path) -> SynthTask:
    request, corrupted = run.request, verdict.corrupted
    kind, wording = site.kind, _wording(run.request, site, verdict)
    fields = TaskFields(
        task_id=task_dir.name,
        title=wording.title,
        instruction=wording.instruction,
        scope=kind.scope,
        category=Category.BUG_FIX if kind.scope is Scope.LOCAL else Category.RENAME_SIGNATURE,
        fail_to_pass=verdict.fail_to_pass,
        pass_to_pass=verdict.pass_to_pass,
        image=request.image,
        test_command=request.test_command,
        timeout=request.timeout,
        source=Source(repository=run.origin, commit=run.head.sha),
        created_at=run.head.committed_at,  # the code a fix restores is this old
        origin=Origin.SYNTH,
        corruption=kind,
        context_files=corrupted.context_files,
        hidden_tests=False,
        scope_note=SCOPE_NOTE,
    )
    with staged(task_dir) as stage:
        copy_tree(run.original, stage / "repo")
        for path, text in corrupted.start.items():
            (stage / "repo" / path).write_bytes(text.encode("utf-8"))
        (stage / GOLD_PATCH).write_text(corrupted.gold_patch(), encoding="utf-8")
        (stage / TASK_FILE).write_text(task_toml(fields), encoding="utf-8")
        rename_into_place(stage, task_dir)
    lists = (verdict.fail_to_pass, verdict.pass_to_pass)
    return SynthTask(task_dir.name, task_dir, *lists, note=wording.note)


def _remember(run: _Run, site: Site, outcome: SynthTask | Rejection) -> None:
    if isinstance(outcome, Rejection) and not outcome.reason.final:
        return
    kept = isinstance(outcome, SynthTask)
    record = CommitRecord(
        outcome="synthesized" if kept else "rejected",
        reason=outcome.reason.value if isinstance(outcome, Rejection) else None,
        detail=outcome.detail if isinstance(outcome, Rejection) else "",
        task_id=outcome.task_id if isinstance(outcome, SynthTask) else None,
        subject=f"{site.function}: {site.description}",
        settings=run.key,
        decided_at=datetime.now(UTC),
    )
    run.state.record(site.key, record)


def task_id_for(name: str, site: Site) -> str:
    """`<repository name>-<kind>-<8 hex digits of the site's key>`."""
    digest = hashlib.sha256(site.key.encode()).hexdigest()[:8]
    kind = site.kind.value.replace("_", "-")
    return f"{re.sub('-+$', '', name[:30])}-{kind}-{digest}"
