"""Starting trees on disk: every file listed, each file's digest computed once per version."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from codebench.tasks import load_suite
from codebench.tasks.tree import executable_paths, iter_tree, tree_digest, tree_entries
from tests.conftest import FIXTURE_TASKS


def write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files read with `Path.read_bytes` from now on."""
    seen: list[str] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        seen.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return seen


def test_caches_and_bytecode_are_not_part_of_the_tree(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.py": b"A = 1\n",
            "pkg/b.py": b"B = 2\n",
            "pkg/b.pyc": b"\0",
            "pkg/__pycache__/b.cpython-311.pyc": b"\0",
            ".git/HEAD": b"ref\n",
            ".pytest_cache/x": b"",
        },
    )
    assert [name for name, _ in iter_tree(tmp_path)] == ["a.py", "pkg/b.py"]
    assert [name for name, _, _ in tree_entries(tmp_path)] == ["a.py", "pkg/b.py"]


def test_a_known_tree_is_not_read_again(tmp_path: Path, reads: list[str]) -> None:
    """Issue 14: every attempt re-read and re-hashed the whole tree (and the task's content
    hash read it once more per task)."""
    write(tmp_path, {"a.py": b"A = 1\n", "b.py": b"B = 2\n"})
    first = tree_digest(tmp_path)
    assert sorted(reads) == ["a.py", "b.py"]
    assert tree_digest(tmp_path) == first
    assert sorted(reads) == ["a.py", "b.py"]


def test_a_changed_file_alone_is_read_again(tmp_path: Path, reads: list[str]) -> None:
    write(tmp_path, {"a.py": b"A = 1\n", "b.py": b"B = 2\n"})
    before = tree_digest(tmp_path)
    (tmp_path / "b.py").write_bytes(b"B = 3\n")  # same size: the mtime tells
    stamp = (tmp_path / "b.py").stat().st_mtime_ns + 1_000_000
    os.utime(tmp_path / "b.py", ns=(stamp, stamp))
    after = tree_digest(tmp_path)
    assert after != before
    assert reads == ["a.py", "b.py", "b.py"]
    digests = {name: digest for name, digest, _ in tree_entries(tmp_path)}
    assert digests["b.py"] == hashlib.sha256(b"B = 3\n").digest()


def test_equal_trees_have_equal_digests_wherever_they_are(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        write(tmp_path / folder, {"a.py": b"A = 1\n"})
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_content_hash_is_the_one_results_were_stored_under() -> None:
    """Stored results are keyed by `content_hash`: reading the tree by digest must not change
    its value (else every stored result would be recomputed)."""
    task = load_suite("mini", FIXTURE_TASKS)[0]
    digest = hashlib.sha256()
    # the fields added since (origin, corruption; hidden_tests at its default) are left out
    # too: the dump, so the hash, is what it was before they existed
    later = {"origin", "corruption", "hidden_tests"}
    digest.update(task.spec.model_dump_json(exclude={"source", "created_at"} | later).encode())
    for text in (task.gold_patch, task.tests_patch):
        digest.update(hashlib.sha256(text.encode()).digest())
    for relative, data in iter_tree(task.repo_dir):
        digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
    assert task.content_hash == digest.hexdigest()


def test_an_executable_file_changes_the_digest(tmp_path: Path) -> None:
    """Found trying a real sdist: every file reached the sandbox and its base commit as 0644,
    so a script the tests run lost its executable bit (and `git apply` of a patch made against
    the real repository warned of a mode mismatch). The bit is now part of the tree."""
    write(tmp_path, {"run.sh": b"#!/bin/sh\necho hi\n", "a.py": b"A = 1\n"})
    plain = tree_digest(tmp_path)
    (tmp_path / "run.sh").chmod(0o755)
    assert executable_paths(tmp_path) == {"run.sh"}
    assert tree_digest(tmp_path) != plain
    assert [x for _, _, x in tree_entries(tmp_path)] == [False, True]
    (tmp_path / "run.sh").chmod(0o644)
    assert tree_digest(tmp_path) == plain and executable_paths(tmp_path) == frozenset()
