"""Mining tasks from a git history built in the test: what is mined, what is rejected and why,
flaky tests, resuming, src layouts, drafts that validate refuses, one Docker run."""

from __future__ import annotations

import importlib
import json
import tomllib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from codebench.authoring import (
    MineRequest,
    MiningSummary,
    Reason,
    Rejection,
    mine,
    model_instructor,
    validate_task,
)
from codebench.authoring.history import CommitInfo, list_commits
from codebench.authoring.judging import TestLists, judge
from codebench.authoring.split import DiffSplit
from codebench.authoring.writing import TaskFields, task_toml
from codebench.errors import SandboxError
from codebench.grading import TestStatus, TestTally
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Category, Scope, Source, Task, load_task
from codebench.tasks.schema import DEFAULT_TEST_COMMAND
from tests.conftest import GitHistory, quiet
from tests.fake_openai import FakeOpenAI, Reply, chat_body, fake_model_options

LOCAL = SandboxSettings(Backend.LOCAL)
ORIGIN = "https://ada:s3cret@example.org/acme/mathy.git"

OPS = "def add(a, b):\n    return a + b\n\n\ndef div(a, b):\n    return a / b\n"
FIXED_DIV = OPS.replace(
    "    return a / b", "    if b == 0:\n        raise ValueError('b is 0')\n    return a / b"
)
TEST_OPS = "from mathy.ops import add, div\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
TEST_DIV_ZERO = TEST_OPS + (
    "\n\ndef test_div_zero():\n    import pytest\n\n    with pytest.raises(ValueError):\n"
    "        div(1, 0)\n"
)


def flaky_test(name: str, function: str, counter: Path) -> str:
    """A test that passes on odd runs only: it counts its runs in a file on the host (the local
    backend's sandboxes share it), so gold run 1 passes, run 2 fails, run 3 passes."""
    return (
        f"from pathlib import Path\n\nfrom mathy.ops import {function}\n\n"
        f"COUNTER = Path({str(counter)!r})\n\n\n"
        f"def {name}():\n"
        "    runs = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1\n"
        "    COUNTER.write_text(str(runs))\n"
        f"    assert {function}(6, 3) is not None\n"
        "    assert runs % 2 == 1\n"
    )


@dataclass(frozen=True)
class History:
    """The mined repository, the shas by name, and the first mining run."""

    repo: GitHistory
    shas: dict[str, str]
    suite_dir: Path
    summary: MiningSummary

    def outcome(self, name: str) -> object:
        return next(d.outcome for d in self.summary.decisions if d.commit.sha == self.shas[name])

    def task(self, name: str) -> Task:
        return load_task(self.suite_dir / f"mathy-{self.shas[name][:10]}")


def build_history(root: Path, counters: Path) -> tuple[GitHistory, dict[str, str]]:
    """Every kind of commit `tasks mine` tells apart, oldest first."""
    repo = GitHistory(root)
    repo.git("remote", "add", "origin", ORIGIN)
    shas = {}
    base = {"mathy/__init__.py": "", "mathy/ops.py": OPS, "tests/test_ops.py": TEST_OPS}
    shas["root"] = repo.commit(
        "Start mathy", {**base, "README.md": "# mathy\n"}, "2024-01-01T09:00:00+00:00"
    )
    shas["fix"] = repo.commit(
        "Fix div by zero\n\ndiv(x, 0) raised ZeroDivisionError; it raises ValueError now.",
        {
            "mathy/ops.py": FIXED_DIV,
            "tests/test_ops.py": TEST_DIV_ZERO,
            "CHANGELOG.md": "- div by zero\n",
        },
        "2024-02-01T10:00:00+01:00",
    )
    shas["docs"] = repo.commit(
        "Document div",
        {"README.md": "# mathy\n\ndiv!\n", "docs/usage.rst": "div\n"},
        "2024-02-02T10:00:00+00:00",
    )
    simpler = FIXED_DIV.replace("return a + b", "return sum((a, b))")
    more_add = TEST_DIV_ZERO + "\n\ndef test_add_negative():\n    assert add(-1, -2) == -3\n"
    shas["passing"] = repo.commit(
        "Simplify add",
        {"mathy/ops.py": simpler, "tests/test_ops.py": more_add},
        "2024-02-03T10:00:00+00:00",
    )
    with_sub = simpler + "\n\ndef sub(a, b):\n    return a - b\n"
    stable = "\n\ndef test_sub():\n    assert sub(3, 1) == 2\n"
    shas["sub"] = repo.commit(
        "Add sub",
        {
            "mathy/ops.py": with_sub,
            "tests/test_sub.py": flaky_test("test_sub_flaky", "sub", counters / "sub") + stable,
        },
        "2024-02-04T10:00:00+00:00",
    )
    with_mul = with_sub + "\n\ndef mul(a, b):\n    return a * b\n"
    shas["flaky"] = repo.commit(
        "Add mul",
        {
            "mathy/ops.py": with_mul,
            "tests/test_mul.py": flaky_test("test_mul", "mul", counters / "mul"),
        },
        "2024-02-05T10:00:00+00:00",
    )
    with_pow = with_mul + "\n\ndef power(a, b):\n    return a**b\n"
    wrong = "from mathy.ops import power\n\n\ndef test_power():\n    assert power(2, 3) == 9\n"
    shas["gold-fails"] = repo.commit(
        "Add power",
        {"mathy/ops.py": with_pow, "tests/test_power.py": wrong},
        "2024-02-06T10:00:00+00:00",
    )
    shas["tests-only"] = repo.commit(
        "More tests",
        {"tests/test_more.py": "def test_true():\n    assert True\n"},
        "2024-02-07T10:00:00+00:00",
    )
    shas["binary"] = repo.commit(
        "Add a logo",
        {
            "mathy/logo.png": b"\x89PNG\r\n\x1a\n\0\0\0",
            "tests/test_logo.py": "def test_logo():\n    pass\n",
        },
        "2024-02-08T10:00:00+00:00",
    )
    repo.git("checkout", "-q", "-b", "side")
    shas["code-only"] = repo.commit(
        "Speed up add",
        {"mathy/ops.py": with_pow.replace("sum((a, b))", "a + b")},
        "2024-02-09T10:00:00+00:00",
    )
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "side", "-m", "Merge side", when="2024-02-10T10:00:00+00:00")
    shas["merge"] = repo.git("rev-parse", "HEAD")
    return repo, shas


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """The history mined once with the local backend, two commits at a time."""
    root = tmp_path_factory.mktemp("mining")
    repo, shas = build_history(root / "mathy", root)
    suite_dir = root / "tasks" / "mined"
    summary = mine(MineRequest(repo.root, suite_dir, workers=2), LOCAL, quiet())
    return History(repo, shas, suite_dir, summary)


def test_a_fix_with_its_test_becomes_a_task(history: History) -> None:
    task = history.task("fix")
    sha = history.shas["fix"]
    assert task.spec.fail_to_pass == ("tests/test_ops.py::test_div_zero",)
    assert task.spec.pass_to_pass == ("tests/test_ops.py::test_add",)
    # no secret from the remote's URL is written
    assert task.spec.source == Source(repository="https://example.org/acme/mathy.git", commit=sha)
    assert task.spec.created_at == datetime(2024, 2, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    assert (task.scope, task.category) == (Scope.LOCAL, Category.BUG_FIX)
    # the starting tree is the parent's, without .git
    assert (task.repo_dir / "mathy" / "ops.py").read_text() == OPS
    assert not (task.repo_dir / ".git").exists()
    assert sorted(p.name for p in history.suite_dir.iterdir() if p.name.startswith(".")) == [
        ".mined.json"
    ]


def test_a_task_folder_is_as_readable_as_its_suite(history: History) -> None:
    """Mined (and scaffolded) task folders were 0700, the mode of the temporary folder they
    were written in, so nobody else could read a suite shared on one machine."""
    mode = history.suite_dir.stat().st_mode & 0o777
    assert history.task("fix").task_dir.stat().st_mode & 0o777 == mode


def test_documentation_is_left_out_of_the_gold_patch_and_listed(history: History) -> None:
    task = history.task("fix")
    assert "CHANGELOG" not in task.gold_patch and "+++ b/mathy/ops.py" in task.gold_patch
    mined = history.outcome("fix")
    assert not isinstance(mined, Rejection)
    assert mined.excluded == ("CHANGELOG.md",)


def test_the_drafts_are_refused_until_a_person_writes_them(
    history: History, tmp_path: Path
) -> None:
    task = history.task("fix")
    assert task.spec.title == "TODO: Fix div by zero"
    assert task.spec.instruction.startswith("TODO: rewrite this as the request a user")
    assert "it raises ValueError now" in task.spec.instruction
    verdict = validate_task(task, LOCAL)
    assert [p.split(": ", 2)[1] for p in verdict.problems] == [
        "field 'title'",
        "field 'instruction'",
    ]
    written = replace(task, spec=task.spec.model_copy(update={"title": "t", "instruction": "i"}))
    assert validate_task(written, LOCAL, gold_runs=3).ok


def test_every_rejected_commit_is_listed_with_its_reason(history: History) -> None:
    reasons = {name: history.outcome(name) for name in history.shas}
    expected = {
        "root": Reason.ROOT_COMMIT,
        "docs": Reason.ONLY_DOCS,
        "passing": Reason.NO_FAIL_BEFORE,
        "flaky": Reason.FLAKY,
        "gold-fails": Reason.GOLD_FAILS,
        "tests-only": Reason.NO_CODE,
        "binary": Reason.BINARY,
        "code-only": Reason.NO_TESTS,
        "merge": Reason.MERGE_COMMIT,
    }
    assert {n: r.reason for n, r in reasons.items() if isinstance(r, Rejection)} == expected
    assert {n for n, r in reasons.items() if not isinstance(r, Rejection)} == {"fix", "sub"}
    detail = {n: r.detail for n, r in reasons.items() if isinstance(r, Rejection)}
    assert detail["docs"] == "README.md, docs/usage.rst"
    assert (
        detail["flaky"] == "fail before, pass in some gold runs only: tests/test_mul.py::test_mul"
    )
    assert (
        detail["gold-fails"]
        == "fail before and with the gold patch: tests/test_power.py::test_power"
    )
    assert detail["binary"] == "mathy/logo.png"
    assert "before the change 3 test(s) ran, 3 passed; after it 3 test(s) ran" in detail["passing"]
    # newest first, as the history is walked
    assert history.summary.decisions[0].commit.sha == history.shas["merge"]


def test_a_flaky_test_is_dropped_and_the_task_kept(history: History) -> None:
    task = history.task("sub")
    assert task.spec.fail_to_pass == ("tests/test_sub.py::test_sub",)
    mined = history.outcome("sub")
    assert not isinstance(mined, Rejection)
    assert mined.tests.flaky == ("tests/test_sub.py::test_sub_flaky",)
    assert task.category is Category.FEATURE


def test_a_rerun_decides_nothing_anew(history: History) -> None:
    again = mine(MineRequest(history.repo.root, history.suite_dir), LOCAL, quiet())
    assert again.decisions == ()
    assert again.skipped == len(history.shas)
    state = json.loads((history.suite_dir / ".mined.json").read_text())["commits"]
    assert set(state) == set(history.shas.values())
    assert state[history.shas["fix"]]["outcome"] == "mined"
    assert state[history.shas["fix"]]["task_id"] == f"mathy-{history.shas['fix'][:10]}"
    assert state[history.shas["merge"]]["reason"] == "merge commit"
    assert state[history.shas["flaky"]]["subject"] == "Add mul"


def test_since_until_and_commit_pick_the_commits(history: History) -> None:
    since, until = datetime(2024, 2, 3, tzinfo=UTC), datetime(2024, 2, 5, 12, tzinfo=UTC)
    picked = list_commits(history.repo.root, since=since, until=until)
    assert [c.sha for c in picked] == [history.shas[n] for n in ("flaky", "sub", "passing")]
    named = list_commits(history.repo.root, shas=[history.shas["fix"][:8]])
    assert [c.sha for c in named] == [history.shas["fix"]]


def test_a_tree_over_the_size_limit_is_refused(history: History, tmp_path: Path) -> None:
    request = MineRequest(
        history.repo.root, tmp_path / "s", commits=(history.shas["fix"],), max_tree_bytes=10
    )
    rejection = mine(request, LOCAL, quiet()).decisions[0].outcome
    assert rejection == Rejection(
        Reason.TOO_LARGE, "the parent's tree is 0.0 MiB (9.53674e-06 MiB: --max-tree-mb)"
    )


def test_limit_counts_only_commits_not_decided_yet(history: History, tmp_path: Path) -> None:
    suite = tmp_path / "s"
    static = [history.shas[n] for n in ("merge", "code-only", "binary", "tests-only")]
    first = mine(
        MineRequest(history.repo.root, suite, commits=tuple(static), limit=2), LOCAL, quiet()
    )
    second = mine(
        MineRequest(history.repo.root, suite, commits=tuple(static), limit=2), LOCAL, quiet()
    )
    assert [d.commit.sha for d in first.decisions + second.decisions] == static
    assert (first.skipped, second.skipped) == (0, 2)


def src_layout(root: Path) -> tuple[GitHistory, str]:
    repo = GitHistory(root)
    repo.commit(
        "Start wordy",
        {
            "src/wordy/__init__.py": "def shout(s):\n    return s\n",
            "tests/test_shout.py": "from wordy import shout\n\n\ndef test_keeps():\n    assert shout('') == ''\n",
        },
        "2024-03-01T00:00:00+00:00",
    )
    sha = repo.commit(
        "Shout in capitals",
        {
            "src/wordy/__init__.py": "def shout(s):\n    return s.upper()\n",
            "tests/test_upper.py": "from wordy import shout\n\n\ndef test_upper():\n    assert shout('a') == 'A'\n",
        },
        "2024-03-02T00:00:00+00:00",
    )
    return repo, sha


def test_a_src_layout_is_mined_with_its_test_command(tmp_path: Path) -> None:
    """The same commit, decided again once the test command changes (a decision holds for the
    settings it was made with)."""
    repo, sha = src_layout(tmp_path / "wordy")
    suite = tmp_path / "tasks" / "mined"
    plain = mine(MineRequest(repo.root, suite, commits=(sha,)), LOCAL, quiet()).decisions[0].outcome
    assert isinstance(plain, Rejection) and plain.reason is Reason.NOTHING_RAN
    assert "for a src layout try --test-command 'PYTHONPATH=src" in plain.detail
    command = f"PYTHONPATH=src {DEFAULT_TEST_COMMAND}"
    request = MineRequest(repo.root, suite, commits=(sha,), test_command=command)
    mined = mine(request, LOCAL, quiet()).decisions[0].outcome
    assert not isinstance(mined, Rejection)
    task = load_task(mined.task_dir)
    assert task.spec.fail_to_pass == ("tests/test_upper.py::test_upper",)
    assert task.spec.test_command == command
    assert task.spec.source == Source(commit=sha)  # no origin remote: no repository
    assert task.id == f"wordy-{sha[:10]}"


@pytest.mark.docker
def test_a_task_mined_in_docker_validates_once_written(
    tmp_path: Path, docker_images: object
) -> None:
    repo, sha = src_layout(tmp_path / "wordy")
    settings = SandboxSettings(Backend.DOCKER, docker_images)  # type: ignore[arg-type]
    command = f"PYTHONPATH=src {DEFAULT_TEST_COMMAND}"
    request = MineRequest(repo.root, tmp_path / "mined", commits=(sha,), test_command=command)
    mined = mine(request, settings, quiet()).decisions[0].outcome
    assert not isinstance(mined, Rejection), mined
    task = load_task(mined.task_dir)
    written = replace(task, spec=task.spec.model_copy(update={"title": "t", "instruction": "i"}))
    assert validate_task(written, settings, gold_runs=1).problems == ()


COMMIT = CommitInfo(
    "a" * 40, ("b" * 40,), "Fix div by zero\n\nIt raised.", datetime(2024, 1, 1, tzinfo=UTC)
)
SPLIT = DiffSplit(
    "diff --git a/m.py b/m.py\n", "diff --git a/tests/test_m.py b/tests/test_m.py\n", ()
)


def test_a_model_rewrites_the_draft_as_a_request_still_marked_for_review() -> None:
    reply = "Title: Refuse division by zero\n\nDividing by zero should raise ValueError."
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(reply))) as server:
        draft = model_instructor("openai:fake", fake_model_options(server.url))(COMMIT, SPLIT)
        prompt = server.requests[0][1]["messages"][1]["content"]
    assert draft.title == "TODO: Refuse division by zero"
    assert draft.instruction.startswith("TODO: a model rewrote the commit message")
    assert draft.instruction.endswith("\n\nDividing by zero should raise ValueError.")
    assert "Fix div by zero" in prompt and SPLIT.gold in prompt and SPLIT.tests in prompt
    assert draft.note is None


def test_a_failing_model_leaves_the_commit_message_draft_with_a_note() -> None:
    with FakeOpenAI(
        lambda path, body: Reply(status=400, body={"error": {"message": "no"}})
    ) as server:
        draft = model_instructor("openai:fake", fake_model_options(server.url))(COMMIT, SPLIT)
    assert draft.title == "TODO: Fix div by zero"
    assert draft.note is not None and "openai:fake failed" in draft.note


SETTLE_HANGS = "def settle(n):\n    while n > 0:\n        pass\n    return n\n"
TEST_SETTLE = "from spin import settle\n\n\ndef test_zero():\n    assert settle(0) == 0\n"


def hanging_before(root: Path) -> tuple[GitHistory, str]:
    """A fix of a hang whose new test makes the old code spin forever."""
    repo = GitHistory(root)
    start = {"spin/__init__.py": SETTLE_HANGS, "tests/test_settle.py": TEST_SETTLE}
    repo.commit("Start spin", start, "2024-04-01T00:00:00+00:00")
    more = TEST_SETTLE + "\n\ndef test_one():\n    assert settle(1) == 0\n"
    fixed = {"spin/__init__.py": "def settle(n):\n    return 0\n", "tests/test_settle.py": more}
    return repo, repo.commit("Fix the hang", fixed, "2024-04-02T00:00:00+00:00")


def test_a_run_that_times_out_before_the_change_rejects_the_commit(tmp_path: Path) -> None:
    """more-itertools 10.6.0: the old code hung on the new tests, the before run hit its
    deadline with no report, so every test counted as failing before and all 669 became
    FAIL_TO_PASS (test_zero, which passes before, among them): the commit was accepted."""
    repo, sha = hanging_before(tmp_path / "spin")
    suite = tmp_path / "mined"
    request = MineRequest(repo.root, suite, commits=(sha,), timeout=3)
    outcome = mine(request, LOCAL, quiet()).decisions[0].outcome
    assert outcome == Rejection(
        Reason.RUN_FAILED,
        "the tests timed out after 3 s before the change (a test hangs, or the run needs "
        "more time: --timeout)",
    )
    state = json.loads((suite / ".mined.json").read_text())["commits"][sha]
    assert (state["outcome"], state["reason"]) == ("rejected", "test run failed")
    assert mine(request, LOCAL, quiet()).skipped == 1  # decided: a rerun keeps it


def bad_addopts(root: Path) -> tuple[GitHistory, str]:
    """mathy's fix, with a pyproject whose addopts needs a plugin nobody installed."""
    repo = GitHistory(root)
    config = '[tool.pytest.ini_options]\naddopts = "--cov=mathy --cov-report=term"\n'
    base = {"mathy/__init__.py": "", "mathy/ops.py": OPS, "tests/test_ops.py": TEST_OPS}
    repo.commit("Start", {**base, "pyproject.toml": config}, "2024-05-01T00:00:00+00:00")
    fixed = {"mathy/ops.py": FIXED_DIV, "tests/test_ops.py": TEST_DIV_ZERO}
    return repo, repo.commit("Fix div", fixed, "2024-05-02T00:00:00+00:00")


def test_an_unknown_addopts_option_is_quoted_with_the_fix(tmp_path: Path) -> None:
    """parse 1.22: `addopts = "--cov=parse"` without pytest-cov stops pytest with a usage
    error (exit 4), and the rejection said the test command collected nothing and suggested a
    src layout."""
    repo, sha = bad_addopts(tmp_path / "mathy")
    suite = tmp_path / "mined"
    outcome = mine(MineRequest(repo.root, suite, commits=(sha,)), LOCAL, quiet()).decisions[0]
    rejection = outcome.outcome
    assert isinstance(rejection, Rejection) and rejection.reason is Reason.RUN_FAILED
    assert rejection.detail.startswith(
        "pytest stopped with an error before the change (exit code 4)"
    )
    assert "error: unrecognized arguments: --cov=mathy --cov-report=term" in rejection.detail
    assert "-o addopts=" in rejection.detail and "src layout" not in rejection.detail
    command = f"{DEFAULT_TEST_COMMAND} -o addopts="
    request = MineRequest(repo.root, suite, commits=(sha,), test_command=command, timeout=60)
    mined = mine(request, LOCAL, quiet()).decisions[0].outcome
    assert not isinstance(mined, Rejection), mined
    task = load_task(mined.task_dir)
    assert task.spec.fail_to_pass == ("tests/test_ops.py::test_div_zero",)
    assert task.spec.timeout == 60


def tally(**statuses: str) -> TestTally:
    return TestTally({f"t.py::{k}": TestStatus(v) for k, v in statuses.items()}, 0)


def test_judging_lists_only_tests_that_pass_in_every_gold_run() -> None:
    before = tally(a="passed", b="failed", c="failed", d="failed", e="passed")
    gold = [
        tally(a="passed", b="passed", c="passed", d="failed", e="failed"),
        tally(a="passed", b="passed", c="failed", d="failed", e="failed"),
    ]
    assert judge(before, gold, 120) == TestLists(
        fail_to_pass=("t.py::b",),
        pass_to_pass=("t.py::a",),
        flaky=("t.py::c",),
        gold_fails=("t.py::d",),
        broken=("t.py::e",),
    )


def test_task_toml_keeps_any_commit_message_loadable(tmp_path: Path) -> None:
    """Commit messages carry what a TOML string cannot hold as is: triple quotes, backslashes,
    control characters, emoji (which JSON escapes as surrogate pairs, invalid in TOML)."""
    text = 'TODO: """quoted""" C:\\path \x1b[1m bold \x7f 🎉 done'
    fields = TaskFields("x-1", f"TODO: 🎉 {text[:20]}", text, Scope.LOCAL, Category.FEATURE, ("t.py::a",), (),
                        source=Source(commit="c" * 40), created_at=datetime(2024, 5, 1, 12, tzinfo=UTC))  # fmt: skip
    parsed = tomllib.loads(task_toml(fields))
    assert parsed["instruction"] == text
    assert parsed["source"] == {"commit": "c" * 40}
    assert parsed["created_at"] == datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_a_sandbox_failure_is_not_a_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An infrastructure failure is no fault of the commit: it is reported, not recorded, and
    the next run decides the commit."""
    repo, sha = src_layout(tmp_path / "wordy")
    command = f"PYTHONPATH=src {DEFAULT_TEST_COMMAND}"
    request = MineRequest(repo.root, tmp_path / "mined", commits=(sha,), test_command=command)

    def broken(*args: object, **kwargs: object) -> TestTally:
        raise SandboxError("the engine went away")

    mine_module = importlib.import_module("codebench.authoring.mine")  # not the function
    with monkeypatch.context() as patched:
        patched.setattr(mine_module, "tally_patched", broken)
        failed = mine(request, LOCAL, quiet())
    assert failed.decisions[0].outcome == Rejection(Reason.SANDBOX_ERROR, "the engine went away")
    assert not (tmp_path / "mined" / ".mined.json").exists()
    assert not list((tmp_path / "mined").iterdir())  # no half-written task folder
    again = mine(request, LOCAL, quiet())
    assert again.skipped == 0 and not isinstance(again.decisions[0].outcome, Rejection)


def test_a_run_without_a_report_never_lists_a_test() -> None:
    """A gold run that crashed (no report) made every test count as failing with the gold
    patch; judging rejects the commit instead, naming the side."""
    before = tally(a="failed")
    crashed = TestTally({}, 0, reported=False, exit_code=1, output_tail="Segmentation fault")
    assert judge(before, [tally(a="passed"), crashed], 120) == Rejection(
        Reason.RUN_FAILED,
        "pytest wrote no test report with the change (exit code 1): it crashed or could not "
        "start: Segmentation fault",
    )
