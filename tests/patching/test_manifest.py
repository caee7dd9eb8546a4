"""The tree manifest: what really changed, whatever git is told to ignore."""

from __future__ import annotations

import subprocess
from pathlib import Path

from codebench.patching.manifest import MANIFEST_FUNCTION, Entry, changed_paths, parse_manifest


def manifest_of(root: Path) -> dict[str, Entry]:
    done = subprocess.run(
        ["sh", "-c", MANIFEST_FUNCTION + "manifest"], cwd=root, capture_output=True, check=True
    )
    return parse_manifest(done.stdout.decode(errors="replace"))


def test_names_with_newlines_spaces_and_the_separator_word(tmp_path: Path) -> None:
    """A file name may hold a newline or the separator's word: neither forges an entry."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("ignored: git's own folder")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a b.py").write_text("x = 1\n")
    (tmp_path / "evil\nname.py").write_text("y = 2\n")
    (tmp_path / "HASHES").write_text("z\n")
    (tmp_path / "link").symlink_to("HASHES")
    entries = manifest_of(tmp_path)
    assert set(entries) == {"pkg/a b.py", "evil\nname.py", "HASHES", "link"}
    assert entries["link"].kind == "l" and entries["link"].target == "HASHES"
    assert entries["link"].digest == ""
    assert len(entries["pkg/a b.py"].digest) == 64


def test_changes_in_content_mode_kind_and_presence(tmp_path: Path) -> None:
    (tmp_path / "same.py").write_text("a\n")
    (tmp_path / "edited.py").write_text("a\n")
    (tmp_path / "chmod.sh").write_text("a\n")
    (tmp_path / "gone.py").write_text("a\n")
    before = manifest_of(tmp_path)
    (tmp_path / "edited.py").write_text("b\n")
    (tmp_path / "chmod.sh").chmod(0o755)
    (tmp_path / "gone.py").unlink()
    (tmp_path / "new.py").write_text("a\n")
    after = manifest_of(tmp_path)
    assert changed_paths(before, after) == ("chmod.sh", "edited.py", "gone.py", "new.py")
