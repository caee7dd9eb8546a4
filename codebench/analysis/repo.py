"""A repository's starting tree as read-only texts, and per-repository work cached once."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import TypeAdapter, ValidationError

from codebench.analysis.facts import SourceFacts, facts
from codebench.analysis.version import ANALYSIS_VERSION
from codebench.io import write_bytes_atomic
from codebench.patching import is_test_path
from codebench.tasks.tree import iter_tree

T = TypeVar("T")
_cache: dict[tuple[str, str], object] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class RepoTree:
    """Path -> text of every file of a starting tree (binary files left out)."""

    files: Mapping[str, str] = field(hash=False)

    @classmethod
    def from_dir(cls, root: Path) -> RepoTree:
        """Read a directory: a git work tree's files (.gitignore honoured), else every file."""
        tracked = _git_tracked(root)
        pairs = (
            ((p, (root / p).read_bytes()) for p in tracked if (root / p).is_file())
            if tracked is not None
            else iter_tree(root)
        )
        texts = {}
        for path, data in pairs:
            try:
                texts[path] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
        return cls(texts)

    @cached_property
    def digest(self) -> str:
        """A content hash: the key of everything cached per repository."""
        sha = hashlib.sha256()
        for path in sorted(self.files):
            sha.update(path.encode() + b"\0" + hashlib.sha256(self.files[path].encode()).digest())
        return sha.hexdigest()

    def python_sources(self, *, include_tests: bool = True) -> dict[str, str]:
        """The Python files, optionally without test files."""
        return {
            p: t
            for p, t in self.files.items()
            if p.endswith(".py") and (include_tests or not is_test_path(p))
        }

    def cached(
        self, kind: str, compute: Callable[[RepoTree], T], persist: TypeAdapter[T] | None = None
    ) -> T:
        """Per-repository work, computed once per process for this content; with `persist`,
        also kept on disk across runs (keyed by content and analyzer version)."""
        key = (kind, self.digest)
        with _lock:
            if key in _cache:
                return _cache[key]  # type: ignore[return-value]
        value = _load(kind, self.digest, persist) if persist is not None else None
        if value is None:
            value = compute(self)
            if persist is not None:
                _store(kind, self.digest, persist, value)
        with _lock:
            _cache[key] = value
        return value


def cache_dir() -> Path:
    """Where per-repository analysis work is kept between runs."""
    return Path(os.environ.get("CODEBENCH_CACHE_DIR", ".codebench-cache")) / "analysis"


def _cache_file(kind: str, digest: str) -> Path:
    return cache_dir() / f"{kind}-v{ANALYSIS_VERSION}-{digest}.json"


def _load(kind: str, digest: str, adapter: TypeAdapter[T]) -> T | None:
    try:
        return adapter.validate_json(_cache_file(kind, digest).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None  # absent or damaged: recompute


def _store(kind: str, digest: str, adapter: TypeAdapter[T], value: T) -> None:
    path = _cache_file(kind, digest)
    with contextlib.suppress(OSError):  # a read-only place costs speed, never results
        write_bytes_atomic(path, adapter.dump_json(value))


def _git_tracked(root: Path) -> list[str] | None:
    if not (root / ".git").exists():
        return None
    done = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return [p for p in done.stdout.split("\0") if p] if done.returncode == 0 else None


def python_facts(tree: RepoTree) -> dict[str, SourceFacts]:
    """The facts of every Python file of the repository that parses (cached)."""

    def compute(repo: RepoTree) -> dict[str, SourceFacts]:
        known = {p: facts(t) for p, t in repo.python_sources().items()}
        return {p: f for p, f in known.items() if f.tree is not None}

    return tree.cached("facts", compute)
