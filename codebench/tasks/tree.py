"""A starting tree on disk: its files, and the content digest of each, computed once per file
version: a file is re-read only when its size, modification time or inode changes, so a task
(or a mined commit's snapshot sharing most files with the last) costs a `stat` per file."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from codebench.lru import BoundedCache

# Never part of a starting tree: interpreter and tool caches that may appear while authoring.
IGNORED_NAMES = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".git"})
FILE_DIGESTS_CACHED = 262_144  # ~150 bytes each: 40 MiB at most

FileVersion = tuple[str, int, int, int]  # absolute path, size, mtime in ns, inode

_digests: BoundedCache[FileVersion, bytes] = BoundedCache(FILE_DIGESTS_CACHED)


def _paths(root: Path) -> Iterator[tuple[str, Path]]:
    """(posix relative path, path) of every file under `root`, sorted, caches skipped."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_NAMES)
        for name in sorted(filenames):
            if not name.endswith(".pyc"):
                path = Path(dirpath, name)
                yield path.relative_to(root).as_posix(), path


def iter_tree(root: Path) -> Iterator[tuple[str, bytes]]:
    """Yield (posix relative path, bytes) for every file under `root`, sorted, caches skipped.

    Raises OSError when a file cannot be read.
    """
    for relative, path in _paths(root):
        yield relative, path.read_bytes()


def executable_paths(root: Path) -> frozenset[str]:
    """The files of `iter_tree` that their owner may execute (a script the tests run): the
    sandbox's copy and its base commit keep them executable (git's mode 100755).

    Raises OSError when a file cannot be read.
    """
    return frozenset(relative for relative, _, executable in tree_entries(root) if executable)


def tree_entries(root: Path) -> list[tuple[str, bytes, bool]]:
    """(posix relative path, sha256 of its bytes, executable) for every file `iter_tree`
    yields, in its order; a file is read only when this version of it (size, mtime, inode) is
    new.

    Raises OSError when a file cannot be read.
    """
    entries = []
    for relative, path in _paths(root):
        status = path.stat()
        version = (str(path.absolute()), status.st_size, status.st_mtime_ns, status.st_ino)
        digest = _digests.get(version)
        if digest is None:
            digest = hashlib.sha256(path.read_bytes()).digest()
            _digests.put(version, digest)
        entries.append((relative, digest, bool(status.st_mode & stat.S_IXUSR)))
    return entries


def entry_bytes(relative: str, digest: bytes, executable: bool) -> bytes:
    """What a digest over a tree takes of one entry: an executable file is marked, so that
    making a file executable changes the digest (a tree without one digests as it always did)."""
    return relative.encode() + b"\0" + digest + (b"\0x" if executable else b"")


def tree_digest(root: Path) -> str:
    """One sha256 over the tree's paths, file digests and executable bits: equal trees, equal
    digests."""
    combined = hashlib.sha256()
    for entry in tree_entries(root):
        combined.update(entry_bytes(*entry))
    return combined.hexdigest()
