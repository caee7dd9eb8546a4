"""The starting tree as a tar with its base commit: built once per tree content, a few kept."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from codebench.sandbox import checkout
from codebench.sandbox.checkout import ARCHIVES_CACHED, checkout_archive


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, bytes]]:
    """The trees `_git_dir` committed from now on (it runs git on the host)."""
    seen: list[dict[str, bytes]] = []
    real = checkout._git_dir

    def counting(files: Mapping[str, bytes]) -> dict[str, bytes]:
        seen.append(dict(files))
        return real(files)

    monkeypatch.setattr(checkout, "_git_dir", counting)
    monkeypatch.setattr(checkout, "_archives", type(checkout._archives)())
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
    files = members(checkout_archive(tmp_path, 1234))
    assert files["pkg/a.py"] == (1234, b"A = 1\n")
    assert files[".git/HEAD"][0] == 1234
    assert any(name.startswith(".git/objects/") for name in files)


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
    checkout_archive(trees[-1], 1000)  # still kept
    assert len(commits) == ARCHIVES_CACHED + 1
    checkout_archive(trees[0], 1000)  # the oldest was dropped: committed again
    assert len(commits) == ARCHIVES_CACHED + 2
