"""`tasks scaffold`: turn a before/after pair of working copies into a task folder.

The diff is split into `gold.patch` (source) and `tests.patch` (test files); both are run in a
sandbox to find FAIL_TO_PASS (fails before, passes after) and PASS_TO_PASS (passes both).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from codebench.analysis import changed_entities, classify_scope
from codebench.errors import TaskError
from codebench.grading import passing_tests
from codebench.patching import AppliedPatch, ParsedPatch, apply_patch, is_test_path, parse_patch
from codebench.runner import SandboxSettings
from codebench.sandbox import GIT_IDENTITY, open_sandbox
from codebench.tasks import Category, Scope
from codebench.tasks.loader import GOLD_PATCH, IGNORED_NAMES, TASK_FILE, TESTS_PATCH, iter_tree
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND

TODO = "TODO: "
INSTRUCTION_HINT = "the request, as a user of the repository would write it"
SCOPE_NOTE = "measured from the gold patch; global may need context_files"


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


@dataclass(frozen=True)
class ScaffoldResult:
    """What was written."""

    task_dir: Path
    scope: Scope
    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]


def split_diff(before: Path, after: Path) -> tuple[str, str]:
    """(gold patch, tests patch): the before->after diff, source files apart from test files."""
    with tempfile.TemporaryDirectory(prefix="codebench-scaffold-") as work:
        _git(work, "init", "-q")
        _copy_tree(before, Path(work))
        _git(work, "add", "-A")
        _git(work, *GIT_IDENTITY, "commit", "-q", "--allow-empty", "-m", "before")
        for entry in Path(work).iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        _copy_tree(after, Path(work))
        _git(work, "add", "-A")
        names = _git(work, "diff", "--cached", "--name-only", "--no-renames").split("\n")
        tests = [n for n in names if n and is_test_path(n)]
        source = [n for n in names if n and not is_test_path(n)]
        diff = ("diff", "--cached", "--binary", "--no-renames", "--")
        gold = _git(work, *diff, *source) if source else ""
        hidden = _git(work, *diff, *tests) if tests else ""
    return gold, hidden


def scaffold(request: ScaffoldRequest, settings: SandboxSettings) -> ScaffoldResult:
    """Write `task.toml`, `gold.patch` and `tests.patch` (and the starting tree if needed).

    Raises `TaskError` when the folder exists, the pair differs in no source or no test file,
    a patch does not apply, or no test fails before the change and passes after it.
    """
    if request.task_dir.exists():
        raise TaskError(request.task_dir, "already exists; pick another id or remove it")
    gold, hidden = split_diff(request.before, request.after)
    if not gold or not hidden:
        missing = "source files" if not gold else "test files"
        raise TaskError(request.after, f"differs from --before in no {missing}; a task needs both")
    repo_dir = _starting_tree(request)
    # tests run on --before itself until they pass: a failed scaffold writes nothing
    start = repo_dir if repo_dir.exists() else request.before
    fail_to_pass, pass_to_pass = _classify_tests(start, gold, hidden, request.after, settings)
    old = {path: data.decode(errors="replace") for path, data in iter_tree(start)}
    scope = classify_scope(changed_entities(gold, old))
    if not repo_dir.exists():
        _copy_tree(request.before, repo_dir)
    request.task_dir.mkdir(parents=True, exist_ok=True)
    (request.task_dir / GOLD_PATCH).write_text(gold)
    (request.task_dir / TESTS_PATCH).write_text(hidden)
    (request.task_dir / TASK_FILE).write_text(
        _task_toml(request, scope, repo_dir, fail_to_pass, pass_to_pass)
    )
    return ScaffoldResult(request.task_dir, scope, fail_to_pass, pass_to_pass)


def _starting_tree(request: ScaffoldRequest) -> Path:
    """Where the task's starting tree lives; one already there must equal --before."""
    target = request.repo_dir or request.task_dir / "repo"
    if target.exists() and dict(iter_tree(target)) != dict(iter_tree(request.before)):
        raise TaskError(target, "exists but differs from --before; the task must start there")
    return target


def _classify_tests(
    repo_dir: Path, gold: str, hidden: str, after: Path, settings: SandboxSettings
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    test_files = [
        path
        for path, _ in iter_tree(after)
        if path.endswith(".py") and is_test_path(path) and Path(path).name.startswith("test")
    ]
    before = set(_passing(repo_dir, [hidden], test_files, settings))
    with_gold = _passing(repo_dir, [gold, hidden], test_files, settings)
    fail_to_pass = tuple(t for t in with_gold if t not in before)
    pass_to_pass = tuple(t for t in with_gold if t in before)
    if not fail_to_pass:
        raise TaskError(after, "no test fails before the change and passes after it")
    return fail_to_pass, pass_to_pass


def _passing(
    repo_dir: Path, patches: list[str], files: list[str], settings: SandboxSettings
) -> tuple[str, ...]:
    # a scaffolded task.toml names no image: it runs in the default one
    image = settings.image_id(DEFAULT_IMAGE)
    with open_sandbox(settings.backend, repo_dir, image, settings.limits) as box:
        for number, text in enumerate(patches):
            parsed = parse_patch(text, repo_dir)
            applied = (
                apply_patch(box, parsed, f"p{number}")
                if isinstance(parsed, ParsedPatch)
                else parsed
            )
            if not isinstance(applied, AppliedPatch):
                raise TaskError(repo_dir, f"a scaffolded patch does not apply: {applied.reason}")
        return passing_tests(box, DEFAULT_TEST_COMMAND, files, timeout=600)


def _task_toml(
    request: ScaffoldRequest,
    scope: Scope,
    repo_dir: Path,
    fail_to_pass: tuple[str, ...],
    pass_to_pass: tuple[str, ...],
) -> str:
    lines = [
        f"id = {json.dumps(request.task_id)}",
        f"title = {json.dumps(request.title or TODO + 'a short title')}",
        f"instruction = {_multiline(request.instruction or TODO + INSTRUCTION_HINT)}",
        f"scope = {json.dumps(scope.value)}  # {SCOPE_NOTE}",
        f"category = {json.dumps(request.category.value)}",
    ]
    if request.repo_dir is not None:
        lines.append(f"repo = {json.dumps(repo_dir.name)}")
    lines.append("fail_to_pass = " + _toml_list(fail_to_pass))
    lines.append("pass_to_pass = " + _toml_list(pass_to_pass))
    return "\n".join(lines) + "\n"


def _multiline(text: str) -> str:
    if '"""' in text or "\\" in text:
        return json.dumps(text)
    return f'"""\n{text.strip()}\n"""'


def _toml_list(items: tuple[str, ...]) -> str:
    if not items:
        return "[]"
    return "[\n" + "".join(f"    {json.dumps(item)},\n" for item in items) + "]"


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(
        source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*IGNORED_NAMES, "*.pyc")
    )


def _git(cwd: str, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise TaskError(Path(cwd), f"git {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout
