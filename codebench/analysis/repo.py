"""A repository's starting tree as read-only texts, and per-repository work cached once."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from codebench.analysis import filestore
from codebench.analysis.facts import SourceFacts, uncached_facts
from codebench.analysis.version import ANALYSIS_VERSION
from codebench.io import write_bytes_atomic
from codebench.lru import BoundedCache
from codebench.patching import is_test_path
from codebench.tasks.tree import iter_tree

T = TypeVar("T")
CACHED_TREE_RESULTS = 16  # (kind, tree digest) pairs: a few snapshots of each per-tree kind
CACHED_FILE_SUMMARIES = 65_536  # (kind, file sha256) pairs; each a small summary, not a tree


@dataclass(frozen=True)
class PerFileKind:
    """Work that depends on one file alone: which files it applies to, and how to compute it
    from the file's facts."""

    kind: str
    applies: Callable[[str], bool]
    compute: Callable[[SourceFacts], Any]
    codec: TypeAdapter[Any] | None = None  # with one, also kept on disk across processes


_cache: BoundedCache[tuple[str, str], object] = BoundedCache(CACHED_TREE_RESULTS)
_file_cache: BoundedCache[tuple[str, str], object] = BoundedCache(CACHED_FILE_SUMMARIES)
_per_file_kinds: dict[str, PerFileKind] = {}


def per_file_kind(
    kind: str,
    applies: Callable[[str], bool],
    compute: Callable[[SourceFacts], T],
    codec: TypeAdapter[T] | None = None,
) -> None:
    """Declare a per-file kind: `RepoTree.per_file(kind)` then computes it once per file text
    (with `codec`, once per file text for every process: kept on disk)."""
    _per_file_kinds[kind] = PerFileKind(kind, applies, compute, codec)


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
    def file_digests(self) -> dict[str, bytes]:
        """Path -> SHA-256 of the file's text: the key of everything cached per file."""
        return {p: hashlib.sha256(t.encode()).digest() for p, t in self.files.items()}

    @cached_property
    def digest(self) -> str:
        """A content hash: the key of everything cached per repository."""
        sha = hashlib.sha256()
        for path in sorted(self.files):
            sha.update(path.encode() + b"\0" + self.file_digests[path])
        return sha.hexdigest()

    def per_file(self, kind: str, among: Collection[str] | None = None) -> dict[str, Any]:
        """Path -> the per-file `kind` (see `per_file_kind`) of every Python file it applies
        to (of those `among`, when given), in the order of `files`; each computed once per
        distinct text (bounded LRU, and on disk for a kind with a codec)."""
        spec = _per_file_kinds[kind]
        chosen = self.files if among is None else set(among)
        shas = {
            path: self.file_digests[path].hex()
            for path in self.files
            if path in chosen and path.endswith(".py") and spec.applies(path)
        }
        known: dict[str, Any] = {}
        missing: dict[str, str] = {}  # sha -> text
        for path, sha in shas.items():
            value = _file_cache.get((kind, sha))
            if value is None:
                missing.setdefault(sha, self.files[path])
            else:
                known[sha] = value
        if missing:
            known.update(_summaries(spec, missing))
        return {path: known[sha] for path, sha in shas.items()}

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
        kept = _cache.get(key)
        if kept is not None:
            return kept  # type: ignore[return-value]
        value = _load(kind, self.digest, persist) if persist is not None else None
        if value is None:
            value = compute(self)
            if persist is not None:
                _store(kind, self.digest, persist, value)
        _cache.put(key, value)
        return value


def _summaries(spec: PerFileKind, texts: dict[str, str]) -> dict[str, Any]:
    """sha -> the kind `spec` of each text, from the disk where kept, else computed from a
    parse that is not kept (a repository's files are many; their summaries are small), and
    kept. Only that kind: the others are not always needed (function shapes only for a patch
    that adds a function)."""
    database = filestore.database_path(cache_dir())
    stored = filestore.load(database, spec.kind, list(texts), spec.codec) if spec.codec else {}
    computed = {
        sha: spec.compute(uncached_facts(text)) for sha, text in texts.items() if sha not in stored
    }
    if spec.codec is not None:
        filestore.store(database, spec.kind, computed, spec.codec)
    values = stored | computed
    for sha, value in values.items():
        _file_cache.put((spec.kind, sha), value)
    return values


def forget_repositories() -> None:
    """Drop every per-repository and per-file result kept in memory (not those on disk)."""
    _cache.clear()
    _file_cache.clear()


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
