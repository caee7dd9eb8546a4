"""A node's cache of starting trees (`~/.cache/codebench/cluster-trees`), shared by every
worker process of the node: who uses which tree, and pruning to the most recently used.

An attempt holds a shared flock on `<digest>.lock` for as long as it uses `<digest>/` (its
unpacking included); pruning takes the exclusive lock without waiting, so a tree in use, or one
being unpacked, is never removed. The kernel drops a lock when its holder dies (SIGKILL
included), so a dead attempt's lock is free at once. A tree is renamed aside before it is
removed: a pruner killed midway leaves no half tree under a digest's name. Entries the cache
did not make (other names, symlinks) are never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from codebench.errors import SandboxError
from codebench.lru import past_bound

TREES_KEPT = 32  # trees kept on a node past the ones in use
DIGEST = re.compile(r"[0-9a-f]{64}")
LOCK_SUFFIX = ".lock"
UNPACKING = ".unpacking-"  # + digest + "-" + random: a tree being unpacked
REMOVING = ".removing-"  # + random: a tree set aside to be removed
_UNPACKING_NAME = re.compile(re.escape(UNPACKING) + r"([0-9a-f]{64})-.+")


def check_digest(digest: str) -> None:
    """Refuse a digest that is not a sha256 in hex (it names a folder of the cache).

    Raises:
        SandboxError: `digest` is malformed.
    """
    if not DIGEST.fullmatch(digest):
        raise SandboxError(f"a starting tree's digest is malformed: {digest[:80]!r}")


def staging_prefix(digest: str) -> str:
    """The name prefix of a folder `digest`'s tree is unpacked into before it is renamed."""
    return f"{UNPACKING}{digest}-"


@contextlib.contextmanager
def using(root: Path, digest: str) -> Iterator[Path]:
    """`root/<digest>` (which may not exist yet), never pruned during the block.

    Raises:
        SandboxError: `digest` is malformed, or the lock cannot be taken.
    """
    check_digest(digest)
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = _lock(root / (digest + LOCK_SUFFIX), fcntl.LOCK_SH)
    except OSError as exc:
        raise SandboxError(f"cannot lock a starting tree under {root}: {exc}") from exc
    assert fd is not None  # a blocking lock is always had
    try:
        yield root / digest
    finally:
        os.close(fd)


def touch(tree: Path) -> None:
    """Mark `tree` as just used (kept longest); a tree that cannot be touched is pruned
    sooner, nothing worse."""
    with contextlib.suppress(OSError):
        os.utime(tree)


def prune(root: Path, keep: int = TREES_KEPT) -> list[str]:
    """Remove from `root` the trees past the `keep` most recently used that no attempt uses,
    and what dead attempts left (half-unpacked trees, their locks, trees half removed);
    return the digests whose tree was removed. Never raises: a folder that cannot be cleaned
    costs disk space, never an attempt."""
    try:
        entries = list(root.iterdir())
    except OSError:
        return []
    trees = [entry for entry in entries if _is_tree(entry)]
    stale = {tree.name for tree in past_bound(trees, keep)}
    for entry in entries:
        if entry.name.startswith(REMOVING):
            shutil.rmtree(entry, ignore_errors=True)  # a pruner died midway
    return [digest for digest in sorted(stale | _leftovers(entries)) if _clear(root, digest, stale)]


def _is_tree(entry: Path) -> bool:
    return bool(DIGEST.fullmatch(entry.name)) and entry.is_dir() and not entry.is_symlink()


def _leftovers(entries: Iterable[Path]) -> set[str]:
    """Digests with a staging folder, or a lock without its tree: a dead attempt's, or a live
    one's (the lock tells which)."""
    names = {entry.name for entry in entries}
    found = set()
    for name in names:
        staging = _UNPACKING_NAME.fullmatch(name)
        if staging:
            found.add(staging.group(1))
        digest = name.removesuffix(LOCK_SUFFIX)
        if name.endswith(LOCK_SUFFIX) and DIGEST.fullmatch(digest) and digest not in names:
            found.add(digest)
    return found


def _clear(root: Path, digest: str, stale: set[str]) -> bool:
    """Under `digest`'s exclusive lock (if no attempt holds it): remove its staging folders,
    its tree when stale, and its lock when no tree is left. True when the tree was removed."""
    lock = root / (digest + LOCK_SUFFIX)
    try:
        fd = _lock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    if fd is None:
        return False  # in use
    try:
        tree = root / digest
        removed = digest in stale and _is_tree(tree) and _remove(tree, root)
        for staging in root.glob(staging_prefix(digest) + "*"):
            _remove(staging, root)
        if not os.path.lexists(tree):
            lock.unlink(missing_ok=True)
        return removed
    except OSError:
        return False
    finally:
        os.close(fd)


def _remove(path: Path, root: Path) -> bool:
    """Rename `path` aside, then remove it (a pruner killed meanwhile leaves only the aside
    folder, which the next prune removes)."""
    aside = root / f"{REMOVING}{uuid.uuid4().hex}"
    path.rename(aside)
    shutil.rmtree(aside, ignore_errors=True)
    return True


def _lock(path: Path, mode: int) -> int | None:
    """An open descriptor of `path` (created) holding flock `mode`; None when `mode` does not
    wait and another holds it. A lock file a pruner removed while this waited is opened again:
    a lock on a removed file guards nothing (raises OSError)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, mode)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            return fd
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False
