"""The starting tree as a tar with its base commit: built once per tree content, a few kept."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from collections.abc import Collection, Mapping
from pathlib import Path

import pytest

from codebench.lru import BoundedCache
from codebench.sandbox import checkout
from codebench.sandbox.base import INIT_REPO_SCRIPT
from codebench.sandbox.checkout import ARCHIVES_CACHED, checkout_archive, checkouts_root


@pytest.fixture
def commits(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, bytes]]:
    """The trees `_git_dir` committed from now on (it runs git on the host), with empty
    in-memory and on-disk archive caches."""
    monkeypatch.setenv("CODEBENCH_CHECKOUTS", str(tmp_path_factory.mktemp("kept")))
    seen: list[dict[str, bytes]] = []
    real = checkout._git_dir

    def counting(files: Mapping[str, bytes], executable: Collection[str] = ()) -> dict[str, bytes]:
        seen.append(dict(files))
        return real(files, executable)

    monkeypatch.setattr(checkout, "_git_dir", counting)
    monkeypatch.setattr(checkout, "_archives", BoundedCache(ARCHIVES_CACHED))
    return seen


def members(archive: bytes) -> dict[str, tuple[int, bytes]]:
    """Each file of a tar: (owner uid, content)."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return {
            m.name: (m.uid, tar.extractfile(m).read())  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        }


def test_the_archive_holds_the_tree_and_its_commit(tmp_path: Path, commits: list[object]) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("A = 1\n")
    archive = checkout_archive(tmp_path, 1234)
    files = members(archive)
    assert files["pkg/a.py"] == (1234, b"A = 1\n")
    assert files[".git/HEAD"][0] == 1234
    objects = [name for name in files if name.startswith(".git/objects/")]
    assert [n for n in objects if n.endswith(".pack")], objects
    assert all(n.startswith((".git/objects/pack/", ".git/objects/info/")) for n in objects)


def test_the_archive_is_compressed(tmp_path: Path, commits: list[object]) -> None:
    """Issue 14: the tree and one loose object per file went in uncompressed: 2.1x the bytes
    of the tree at 2k lines, 1.6x at 20k."""
    for n in range(50):
        (tmp_path / f"m{n}.py").write_text(f"def f{n}(x):\n    return x + {n}\n" * 20)
    archive = checkout_archive(tmp_path, 1000)
    assert archive[:2] == b"\x1f\x8b"  # gzip
    tree = sum(len(p.read_bytes()) for p in tmp_path.glob("*.py"))
    assert len(archive) < tree


def test_a_known_tree_is_committed_once(tmp_path: Path, commits: list[object]) -> None:
    """Issue 14: every attempt re-read the tree and rebuilt its tar (15 MB at 300k lines)."""
    (tmp_path / "a.py").write_text("A = 1\n")
    first = checkout_archive(tmp_path, 1000)
    assert checkout_archive(tmp_path, 1000) is first
    assert len(commits) == 1


def test_a_changed_tree_gets_a_new_archive(tmp_path: Path, commits: list[object]) -> None:
    (tmp_path / "a.py").write_text("A = 1\n")
    checkout_archive(tmp_path, 1000)
    (tmp_path / "a.py").write_text("A = 22\n")
    assert members(checkout_archive(tmp_path, 1000))["a.py"] == (1000, b"A = 22\n")
    assert len(commits) == 2


def test_only_a_few_archives_are_kept(tmp_path: Path, commits: list[object]) -> None:
    trees = []
    for n in range(ARCHIVES_CACHED + 1):
        tree = tmp_path / f"t{n}"
        tree.mkdir()
        (tree / "a.py").write_text(f"A = {n}\n")
        trees.append(tree)
        checkout_archive(tree, 1000)
    assert len(checkout._archives) == ARCHIVES_CACHED
    kept = list(checkout._archives.values())
    checkout_archive(trees[-1], 1000)  # still in memory
    assert list(checkout._archives.values()) == kept
    checkout_archive(trees[0], 1000)  # dropped from memory: read back from disk
    assert len(commits) == ARCHIVES_CACHED + 1
    assert list(checkout._archives.values())[:-1] == kept[1:]


def forget_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a new process: the in-memory archives are gone, the kept ones are not."""
    monkeypatch.setattr(checkout, "_archives", BoundedCache(ARCHIVES_CACHED))


def test_a_new_process_reuses_the_kept_archive(
    tmp_path: Path, commits: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: every process committed the tree again on the host (4 s at 300k lines)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text("A = 1\n")
    first = checkout_archive(tree, 1000)
    forget_in_memory(monkeypatch)
    assert checkout_archive(tree, 1000) == first
    assert len(commits) == 1


def test_a_damaged_kept_archive_is_built_again(
    tmp_path: Path, commits: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text("A = 1\n")
    first = checkout_archive(tree, 1000)
    (kept,) = checkouts_root().glob("*.tar.gz")
    kept.write_bytes(first[: len(first) // 2])  # truncated, as by a full disk
    forget_in_memory(monkeypatch)
    again = checkout_archive(tree, 1000)
    assert len(commits) == 2
    assert members(again)["a.py"] == members(first)["a.py"]
    assert kept.read_bytes() == again


def test_only_the_newest_archives_are_kept_on_disk(
    tmp_path: Path, commits: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkout, "CHECKOUTS_KEPT", 2)
    for n in range(4):
        tree = tmp_path / f"t{n}"
        tree.mkdir()
        (tree / "a.py").write_text(f"A = {n}\n")
        checkout_archive(tree, 1000)
    assert len(list(checkouts_root().glob("*.tar.gz"))) == 2


def test_an_unwritable_cache_folder_costs_nothing_but_speed(
    tmp_path: Path, commits: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CODEBENCH_CHECKOUTS", str(blocker / "kept"))
    (tmp_path / "a.py").write_text("A = 1\n")
    assert members(checkout_archive(tmp_path, 1000))["a.py"] == (1000, b"A = 1\n")


NASTY_TREE = {
    "plain.py": b"X = 1\n",
    "with space/and 'quote'.py": b"Y = 2",  # no final newline
    'dq"name.txt': b"",
    "back\\slash.txt": b"\x00\x01binary\xff",
    "\u00fcn\u00efc\u00f6de/\u65e5\u672c.py": "Z = '\u00e9'\n".encode(),
    "tab\tname.txt": b"t\n",
    "deep/a/b/c/d.py": b"D = 4\n",
}


def _commit_of(work: Path) -> str:
    done = subprocess.run(
        ["git", "rev-parse", "base"], cwd=work, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


EXECUTABLE_TREE = {"bin/run.sh": b"#!/bin/sh\necho ran\n", "tests/test_run.py": b"X = 1\n"}


@pytest.mark.parametrize(
    "tree",
    [NASTY_TREE, {}, EXECUTABLE_TREE],
    ids=["nasty names", "empty", "an executable script"],
)
def test_the_base_commit_is_the_one_the_sandbox_script_makes(
    tmp_path: Path, commits: list[object], tree: dict[str, bytes]
) -> None:
    """The host builds the commit with fast-import (issue 14: writing the tree out, `git add`
    and `repack` took 15 s at 300k lines): the same commit id as `INIT_REPO_SCRIPT` on the
    same files, and a work tree git finds clean once unpacked."""
    source, expected, unpacked = tmp_path / "src", tmp_path / "expected", tmp_path / "out"
    for root in (source, expected, unpacked):
        root.mkdir()
    for name, data in tree.items():
        for root in (source, expected):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
            (root / name).chmod(0o755 if name.endswith(".sh") else 0o644)
    env = {**os.environ, **checkout.GIT_ENV}
    subprocess.run(["sh", "-c", INIT_REPO_SCRIPT], cwd=expected, env=env, check=True)
    with tarfile.open(fileobj=io.BytesIO(checkout_archive(source, os.getuid()))) as tar:
        tar.extractall(unpacked, filter="tar")
    assert _commit_of(unpacked) == _commit_of(expected)
    if tree is EXECUTABLE_TREE:  # the mode in the commit and on disk
        assert os.access(unpacked / "bin/run.sh", os.X_OK)
        assert not os.access(unpacked / "tests/test_run.py", os.X_OK)
    status = subprocess.run(
        ["git", "status", "--porcelain", "-z"], cwd=unpacked, capture_output=True, check=True
    )
    assert status.stdout == b""
