"""Shared fixtures: the fixture task suite and sandbox settings for both backends.

Docker tests never skip in CI (CI=true): there, a missing engine fails them. Elsewhere they skip
only when no engine can be had, and the session ends with a loud banner saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from codebench.analysis import EditAnalysis, Finding, FindingKind
from codebench.grading import IntegrityFinding
from codebench.models import TaskView
from codebench.results import ResultKey, Status, TaskResult
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend, ImageSet
from codebench.tasks import Category, Scope, Task, load_suite

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_TASKS = ROOT / "tests" / "fixtures" / "tasks"
SANDBOXES = ROOT / "sandboxes"
_docker_skips: list[str] = []


@pytest.fixture(scope="session")
def docker_images() -> ImageSet:
    """Image ids of the sandbox images (built if needed); skip loudly or fail without Docker."""
    from codebench.sandbox.engine import ping_engine
    from codebench.sandbox.image import prepare_images

    reason = ping_engine()
    if reason is not None:
        message = f"NO DOCKER ENGINE ({reason}); run `make setup`"
        if os.environ.get("CI"):
            pytest.fail(f"{message}. Docker tests must run in CI.")
        _docker_skips.append(message)
        pytest.skip(message)
    return prepare_images({"python"}, SANDBOXES, lambda _: None)


@pytest.fixture(params=[Backend.LOCAL, Backend.DOCKER], ids=["local", "docker"])
def sandbox_settings(request: pytest.FixtureRequest) -> SandboxSettings:
    """Sandbox settings for each backend; the shared suite runs against both."""
    if request.param is Backend.DOCKER:
        return SandboxSettings(Backend.DOCKER, request.getfixturevalue("docker_images"))
    return SandboxSettings(Backend.LOCAL)


@pytest.fixture(scope="session")
def mini_tasks() -> dict[str, Task]:
    """The fixture suite `mini`: one local and one global task over the `calc` repository."""
    return {task.id: task for task in load_suite("mini", FIXTURE_TASKS)}


def after_copy(task: Task, tmp_path: Path) -> Path:
    """The task's starting tree with its gold patch and hidden tests applied (for scaffold)."""
    after = tmp_path / "after"
    shutil.copytree(task.repo_dir, after)
    for text in (task.gold_patch, task.tests_patch):
        subprocess.run(["git", "apply", "-"], cwd=after, input=text, text=True, check=True)
    return after


def quiet() -> Console:
    """A console that prints nothing (progress bars of runs under test)."""
    return Console(file=open(os.devnull, "w"))


# Results made by hand, for the report tests.
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
KEY = ResultKey(task_hash="t", patch_sha256="p", image_id="i", harness_version="1")


def result(
    task: str,
    scope: Scope,
    model: str,
    status: Status,
    sample: int = 0,
    seconds: float = 1.0,
    integrity: tuple[IntegrityFinding, ...] = (),
) -> TaskResult:
    return TaskResult(
        task_id=task,
        scope=scope,
        category=Category.BUG_FIX,
        model=model,
        sample=sample,
        key=KEY,
        status=status,
        model_seconds=seconds / 2,
        eval_seconds=seconds / 2,
        finished_at=WHEN,
        integrity=integrity,
    )


def analysed(row: TaskResult, churn: float, drift: float, cosmetic: list[str]) -> TaskResult:
    analysis = EditAnalysis(
        scope=row.scope,
        files_changed=["m.py"],
        entities_changed=["m.py::f"],
        entity_precision=1 - churn,
        entity_recall=1.0,
        file_precision=1.0,
        file_recall=1.0,
        out_of_scope_churn=churn,
        excess_edit_distance=0.0,
        cosmetic_entities=cosmetic,
        docstring_comment_loss=[],
        renamed_names=[],
        style_drift=drift,
        style_detail=[],
        stale_call_sites=[],
        undefined_names=[],
        reinvented_helpers=[],
        syntax_errors=[],
    )
    return row.model_copy(update={"analysis": analysis})


RESULTS = [
    analysed(result("a-local", Scope.LOCAL, "gold", Status.RESOLVED, seconds=2.0), 0.0, 0.0, []),
    result("b-global", Scope.GLOBAL, "gold", Status.RESOLVED, seconds=4.0),
    analysed(result("a-local", Scope.LOCAL, "m", Status.RESOLVED, sample=0), 0.5, 0.2, ["m.py::g"]),
    analysed(result("a-local", Scope.LOCAL, "m", Status.UNRESOLVED, sample=1), 0.25, 0.0, []),
    result("b-global", Scope.GLOBAL, "m", Status.MODEL_ERROR, sample=0),
    result("b-global", Scope.GLOBAL, "m", Status.SANDBOX_ERROR, sample=1),
]


FINDINGS = [
    Finding(path="pkg/a.py", line=9, name="foo", kind=FindingKind.STALE_CALL),
    Finding(path="pkg/a.py", line=10, name="foo", kind=FindingKind.STALE_CALL),
]


def analysis() -> EditAnalysis:
    """An analysis with a finding of several kinds (for round trips through JSON)."""
    return EditAnalysis(
        scope=Scope.GLOBAL,
        files_changed=["pkg/a.py", "pkg/b.py"],
        entities_changed=["pkg/b.py::foo"],
        entity_precision=1.0,
        entity_recall=1.0,
        file_precision=1.0,
        file_recall=1.0,
        out_of_scope_churn=0.0,
        excess_edit_distance=0.0,
        cosmetic_entities=[],
        docstring_comment_loss=[],
        renamed_names=[],
        style_drift=None,
        style_detail=[],
        stale_call_sites=FINDINGS,
        undefined_names=[
            Finding(
                path="pkg/b.py", line=1, name="y", kind=FindingKind.BROKEN_FROM_NAME, detail="pkg.x"
            )
        ],
        reinvented_helpers=[],
        syntax_errors=[
            Finding(path="pkg/c.py", line=0, name="", kind=FindingKind.SYNTAX_ERROR, detail="bad")
        ],
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly when Docker tests were skipped."""
    if _docker_skips:
        terminalreporter.write_sep("!", "DOCKER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_docker_skips[0], red=True, bold=True)
        terminalreporter.write_line(
            "The sandbox is the point of codebench: these results do not cover it.", red=True
        )


HOLDER = """
import sys
from pathlib import Path
from codebench.runner import lock_run_dir
with lock_run_dir(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def hold_lock(run_dir: Path) -> subprocess.Popen[str]:
    """Another process holding the run directory until its stdin closes."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(run_dir)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def partial_submission() -> list[TaskResult]:
    """gold answers t0-t2; `replay` resolves t0, fails t1 and has no prediction for t2."""
    replay = [
        result("t0", Scope.LOCAL, "replay", Status.RESOLVED, seconds=2.0),
        result("t1", Scope.LOCAL, "replay", Status.UNRESOLVED, seconds=4.0),
        # not asked: 0 s in truth, but a wrong number must not leak into any mean either
        result("t2", Scope.GLOBAL, "replay", Status.NOT_SUBMITTED, seconds=100.0),
        result("t2", Scope.GLOBAL, "replay", Status.NOT_SUBMITTED, sample=1, seconds=100.0),
    ]
    gold = [result(f"t{i}", Scope.LOCAL, "gold", Status.RESOLVED) for i in range(3)]
    return [*gold, *replay]


# The mini-div-zero task as the OpenAI adapter's tests see it, and the gold edit as a
# search/replace reply.
MINI = {t.id: t for t in load_suite("mini", FIXTURE_TASKS)}
TASK = MINI["mini-div-zero"]
VIEW = TaskView(TASK.id, TASK.spec.instruction, TASK.repo_dir)
SEARCH_REPLACE = (
    "calc/ops.py\n<<<<<<< SEARCH\ndef div(a, b):\n    return a / b\n=======\n"
    'def div(a, b):\n    if b == 0:\n        raise CalcError("division by zero")\n    return a / b\n'
    ">>>>>>> REPLACE\n"
)


class GitHistory:
    """A git repository built commit by commit with fixed dates (the mining tests' input)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str = "2024-01-01T00:00:00+00:00") -> str:
        """Run git in the repository as a fixed author at a fixed date; its output, stripped."""
        identity = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org"}
        identity |= {"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org"}
        env = {**os.environ, **identity, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(self, message: str, files: dict[str, str | bytes | None], when: str) -> str:
        """Write (or, for None, delete) the files, commit them all at `when`; the new sha."""
        for name, data in files.items():
            path = self.root / name
            if data is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode() if isinstance(data, str) else data)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")


# A SWE-bench-style clone and instances against it (the import tests, the end-to-end run).
SWE_OPS = "def add(a, b):\n    return a + b\n\n\ndef div(a, b):\n    return a / b\n"
SWE_TESTS = "from mathy.ops import add, div\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
SWE_FIXED = SWE_OPS.replace(
    "    return a / b", "    if b == 0:\n        raise ValueError('b is 0')\n    return a / b"
)
SWE_NEW_TEST = (
    "\n\ndef test_div_zero():\n    import pytest\n\n    with pytest.raises(ValueError):\n"
    "        div(1, 0)\n"
)


@dataclass(frozen=True)
class SwebenchClone:
    """A clone with a base commit, and the fix and its test as patches against it."""

    repo: GitHistory
    base: str
    gold: str
    tests: str


def swebench_clone(root: Path) -> SwebenchClone:
    """`acme/mathy` at `root`: the base commit, then the fix with its test (fixed dates)."""
    repo = GitHistory(root)
    files = {"mathy/__init__.py": "", "mathy/ops.py": SWE_OPS, "tests/test_ops.py": SWE_TESTS}
    base = repo.commit("base", files, "2023-03-01T10:00:00+00:00")
    fixed = {"mathy/ops.py": SWE_FIXED, "tests/test_ops.py": SWE_TESTS + SWE_NEW_TEST}
    repo.commit("fix div by zero", fixed, "2023-04-01T10:00:00+00:00")
    gold = repo.git("diff", base, "HEAD", "--", "mathy") + "\n"
    tests = repo.git("diff", base, "HEAD", "--", "tests") + "\n"
    return SwebenchClone(repo, base, gold, tests)


def swebench_instance(
    clone: SwebenchClone, instance_id: str, **changes: object
) -> dict[str, object]:
    """An instance as the Hugging Face dataset has it (lists as JSON strings), with changes."""
    instance: dict[str, object] = {
        "instance_id": instance_id,
        "repo": "acme/mathy",
        "base_commit": clone.base,
        "patch": clone.gold,
        "test_patch": clone.tests,
        "FAIL_TO_PASS": json.dumps(["tests/test_ops.py::test_div_zero"]),
        "PASS_TO_PASS": json.dumps(["tests/test_ops.py::test_add"]),
        "problem_statement": "div(1, 0) gives ZeroDivisionError\n\nIt should raise ValueError.\n",
        "created_at": "2023-03-31T16:08:19Z",
        "version": "1.0",
        "environment_setup_commit": clone.base,
        "hints_text": "",
    }
    return {**instance, **changes}
