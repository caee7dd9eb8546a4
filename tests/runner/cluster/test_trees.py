"""A node's cache of starting trees: pruned to the most recently used, never a tree an attempt
(of this process or another) uses, nor a tree being unpacked, nor anything the cache did not
make; what dead attempts and pruners left is cleaned up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from codebench.errors import SandboxError
from codebench.runner.cluster import trees
from codebench.runner.cluster.shipping import PackedTree, held_tree, unpack
from tests.conftest import ROOT

HOLDER = """
import sys
from pathlib import Path
from codebench.runner.cluster import trees
with trees.using(Path(sys.argv[1]), sys.argv[2]):
    print("held", flush=True)
    sys.stdin.read()
"""


def packed(tmp_path: Path, name: str) -> PackedTree:
    """A small tree of its own content, packed."""
    source = tmp_path / "sources" / name
    source.mkdir(parents=True)
    (source / "mod.py").write_text(f"NAME = {name!r}\n")
    return PackedTree.of(source)


def cached(tree: PackedTree, root: Path, used_at: float, keep: int = 2) -> Path:
    """Use `tree` once (unpacking it and pruning), then date its last use to `used_at`."""
    with held_tree(tree, root, keep) as path:
        pass
    os.utime(path, (used_at, used_at))
    return path


def names(root: Path) -> set[str]:
    return {entry.name for entry in root.iterdir()}


def test_a_tree_in_use_in_this_process_is_kept_past_the_bound(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    a, b, c = (packed(tmp_path, n) for n in "abc")
    with held_tree(a, root, keep=1) as in_use:
        os.utime(in_use, (1, 1))  # the oldest of all, but held
        cached(b, root, 2, keep=1)
        cached(c, root, 3, keep=1)  # prunes: b goes, a is in use
        assert in_use.is_dir() and (in_use / "mod.py").read_text() == "NAME = 'a'\n"
    assert names(root) == {a.digest, c.digest, a.digest + ".lock", c.digest + ".lock"}
    assert trees.prune(root, keep=1) == [a.digest]  # no longer in use


def test_a_tree_another_process_uses_is_kept_until_that_process_dies(tmp_path: Path) -> None:
    """Several Ray worker processes of a node share the cache: a tree one of them holds stays,
    and a SIGKILLed holder's lock is free at once."""
    root = tmp_path / "cache"
    a = packed(tmp_path, "a")
    cached(a, root, 1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root), a.digest],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        assert trees.prune(root, keep=0) == []
        assert (root / a.digest).is_dir()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert trees.prune(root, keep=0) == [a.digest]
    assert names(root) == set()


def test_a_half_unpacked_tree_is_kept_while_its_unpacker_lives_and_removed_after(
    tmp_path: Path,
) -> None:
    root = tmp_path / "cache"
    a = packed(tmp_path, "a")
    staging = root / (trees.staging_prefix(a.digest) + "x1")
    (staging / "half").mkdir(parents=True)
    with trees.using(root, a.digest):  # its unpacker, still at work
        trees.prune(root, keep=0)
        assert staging.is_dir()
    trees.prune(root, keep=0)  # its unpacker died: its lock is free
    assert names(root) == set()


def test_what_the_cache_did_not_make_is_never_touched(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious").write_text("mine")
    root.mkdir()
    (root / "notes.txt").write_text("a person's file")
    (root / "someone-elses").mkdir()
    (root / ("f" * 64)).symlink_to(outside)  # named like a tree, but a link
    (root / "readme.lock").write_text("")
    cached(packed(tmp_path, "a"), root, 1, keep=0)  # prunes with nothing kept
    trees.prune(root, keep=0)
    assert names(root) == {"notes.txt", "someone-elses", "f" * 64, "readme.lock"}
    assert (outside / "precious").read_text() == "mine"


def test_a_tree_a_dead_pruner_set_aside_and_a_lock_without_a_tree_are_removed(
    tmp_path: Path,
) -> None:
    root = tmp_path / "cache"
    (root / (trees.REMOVING + "dead") / "sub").mkdir(parents=True)
    (root / ("e" * 64 + trees.LOCK_SUFFIX)).write_text("")
    assert trees.prune(root) == []
    assert names(root) == set()


def test_the_most_recently_used_trees_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    a, b, c, d = (packed(tmp_path, n) for n in "abcd")
    cached(a, root, 1)
    cached(b, root, 2)
    cached(a, root, 3)  # used again: now newer than b
    cached(c, root, 4)  # a new tree: prunes to two
    assert {p.name for p in root.iterdir() if trees.DIGEST.fullmatch(p.name)} == {
        a.digest, c.digest,
    }  # fmt: skip
    cached(d, root, 5)
    assert not (root / a.digest).exists() and not (root / (a.digest + ".lock")).exists()


def test_an_attempt_waiting_while_its_tree_is_pruned_unpacks_it_again(tmp_path: Path) -> None:
    """The lock file of a pruned tree is removed: an attempt that opened it before must lock
    the new one, or a second pruner could remove the tree it then unpacks."""
    root = tmp_path / "cache"
    a = packed(tmp_path, "a")
    cached(a, root, 1)
    lock = root / (a.digest + trees.LOCK_SUFFIX)
    pruner = trees._lock(lock, trees.fcntl.LOCK_EX)  # a pruner at work on a's tree
    assert pruner is not None
    seen: list[bool] = []

    def attempt() -> None:
        with held_tree(a, root) as path:
            seen.append((path / "mod.py").is_file() and lock.exists())
            assert trees.prune(root, keep=0) == []  # its own lock keeps it

    user = threading.Thread(target=attempt)
    user.start()
    time.sleep(0.3)  # the attempt now waits on the old lock file
    trees._remove(root / a.digest, root)
    lock.unlink()
    os.close(pruner)
    user.join(timeout=10)
    assert seen == [True]


def test_a_malformed_digest_is_refused_before_it_names_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="malformed"):
        unpack(PackedTree("../" + "0" * 61, b""), tmp_path / "cache")
    with pytest.raises(SandboxError, match="malformed"), trees.using(tmp_path, "x/y"):
        pass
    assert not (tmp_path / "cache").exists()
