"""Loading tasks from disk: `task.toml` + patches + starting tree -> a frozen `Task`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from codebench.errors import ConfigError, TaskError
from codebench.io import BadKey, load_toml, read_text
from codebench.tasks.schema import METADATA_FIELDS, Category, Scope, TaskSpec
from codebench.tasks.tree import entry_bytes, iter_tree, tree_entries

TASK_FILE = "task.toml"
GOLD_PATCH = "gold.patch"
TESTS_PATCH = "tests.patch"
REPOS_DIR = "repos"


@dataclass(frozen=True)
class Task:
    """One validated task: its spec, its files, and a content hash that keys its results."""

    spec: TaskSpec
    task_dir: Path
    repo_dir: Path
    gold_patch: str
    tests_patch: str

    @property
    def id(self) -> str:
        """The task id (equal to its folder name)."""
        return self.spec.id

    @property
    def scope(self) -> Scope:
        """Local or global."""
        return self.spec.scope

    @property
    def category(self) -> Category:
        """The kind of edit asked for."""
        return self.spec.category

    def starting_text(self, path: str) -> str | None:
        """A file's text in the starting tree (undecodable bytes replaced); None when the
        tree has no such file or it cannot be read."""
        file = self.repo_dir / path
        try:
            return file.read_text(encoding="utf-8", errors="replace") if file.is_file() else None
        except OSError:
            return None

    @cached_property
    def content_hash(self) -> str:
        """sha256 over everything that can change a result: spec (its metadata aside: source
        and date), patches and starting tree."""
        digest = hashlib.sha256()
        # hidden_tests left out at its default: hashes of tasks older than the field stay
        excluded = set(METADATA_FIELDS) | ({"hidden_tests"} if self.spec.hidden_tests else set())
        digest.update(self.spec.model_dump_json(exclude=excluded).encode())
        for text in (self.gold_patch, self.tests_patch):
            digest.update(hashlib.sha256(text.encode()).digest())
        for entry in tree_entries(self.repo_dir):
            digest.update(entry_bytes(*entry))
        return digest.hexdigest()


def read_texts(root: Path) -> dict[str, str]:
    """The text files of a tree (UTF-8; binary files left out), by posix relative path."""
    texts = {}
    for path, data in iter_tree(root):
        try:
            texts[path] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def load_task(task_dir: Path, repos_root: Path | None = None) -> Task:
    """Load and validate one task folder; raise `TaskError` naming the file and field."""
    task_file = task_dir / TASK_FILE
    if not task_file.is_file():
        raise TaskError(task_file, f"missing; every task folder needs a {TASK_FILE}")
    spec = _read_spec(task_file)
    if spec.id != task_dir.name:
        raise TaskError(task_file, f"is {spec.id!r} but the folder is {task_dir.name!r}", "id")
    repo_dir = _resolve_repo(task_dir, spec, repos_root or task_dir.parent.parent / REPOS_DIR)
    return Task(
        spec=spec,
        task_dir=task_dir,
        repo_dir=repo_dir,
        gold_patch=_read_patch(task_dir / GOLD_PATCH),
        tests_patch=_read_tests_patch(task_dir, spec),
    )


def _read_tests_patch(task_dir: Path, spec: TaskSpec) -> str:
    """The hidden tests; "" for a task whose tests are in its starting tree (`hidden_tests =
    false`), which must then have no tests.patch (one would be silently ignored)."""
    if spec.hidden_tests:
        return _read_patch(task_dir / TESTS_PATCH)
    if (task_dir / TESTS_PATCH).exists():
        raise TaskError(
            task_dir / TASK_FILE,
            f"is false but the task has a {TESTS_PATCH}; remove one of them",
            "hidden_tests",
        )
    return ""


def load_suite(suite: str, tasks_root: Path) -> list[Task]:
    """Load every task of `tasks_root/<suite>/`, sorted by id."""
    suite_dir = tasks_root / suite
    if not suite_dir.is_dir():
        known = (
            sorted(p.name for p in tasks_root.iterdir() if p.is_dir())
            if tasks_root.is_dir()
            else []
        )
        raise TaskError(suite_dir, f"no such suite; suites under {tasks_root}: {known or 'none'}")
    # hidden folders are no tasks (e.g. what a killed `tasks scaffold` left half-written)
    task_dirs = sorted(
        p for p in suite_dir.iterdir() if not p.name.startswith(".") and (p / TASK_FILE).is_file()
    )
    if not task_dirs:
        raise TaskError(suite_dir, f"holds no task folders (each needs a {TASK_FILE})")
    return [load_task(d, tasks_root / REPOS_DIR) for d in task_dirs]


def select_tasks(tasks: list[Task], wanted: Iterable[str]) -> list[Task]:
    """The tasks whose ids are wanted (all when none are); an unknown id is an error."""
    wanted = set(wanted)
    if not wanted:
        return tasks
    missing = sorted(wanted - {t.id for t in tasks})
    if missing:
        raise ConfigError(f"no such task(s) in the suite: {', '.join(missing)}")
    return [t for t in tasks if t.id in wanted]


def _read_spec(task_file: Path) -> TaskSpec:
    return load_toml(task_file, TaskSpec, _task_error)


def _task_error(path: Path, message: str, bad_keys: Sequence[BadKey]) -> TaskError:
    """A `TaskError` whose `field` is the first bad key (TaskError names it in the message)."""
    if len(bad_keys) == 1:
        return TaskError(path, bad_keys[0].problem, bad_keys[0].key)
    return TaskError(path, message, bad_keys[0].key if bad_keys else None)


def _resolve_repo(task_dir: Path, spec: TaskSpec, repos_root: Path) -> Path:
    own = task_dir / "repo"
    if spec.repo is None:
        if not own.is_dir():
            raise TaskError(
                task_dir / TASK_FILE, "no 'repo' key and no repo/ folder beside it", "repo"
            )
        return own
    if own.is_dir():
        raise TaskError(task_dir / TASK_FILE, "set, but the task also has a repo/ folder", "repo")
    shared = repos_root / spec.repo
    if not shared.is_dir():
        raise TaskError(task_dir / TASK_FILE, f"names {shared}, which does not exist", "repo")
    if not shared.resolve().is_relative_to(repos_root.resolve()):
        raise TaskError(
            task_dir / TASK_FILE,
            f"names {shared}, which leads outside {repos_root} (to {shared.resolve()}); "
            f"name a folder of {repos_root}",
            "repo",
        )
    return shared


def _read_patch(path: Path) -> str:
    """The patch's text; raises `TaskError` if it is missing, empty or not UTF-8 (naming the
    line and byte offset of the first bad byte)."""
    if not path.is_file():
        raise TaskError(
            path,
            "missing; a task needs gold.patch and tests.patch (or hidden_tests = false when "
            "its tests are in the starting tree)",
        )
    text = read_text(path, lambda where, message, _keys: TaskError(where, message))
    if not text.strip():
        raise TaskError(path, "is empty")
    return text
