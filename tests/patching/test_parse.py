"""Parsing and validating unified diffs: paths must stay inside the repository."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from unidiff.patch import PatchSet

from codebench.patching import FileChange, ParsedPatch, PatchRejection, is_empty_patch, parse_patch
from codebench.tasks import Task, load_suite
from tests.conftest import FIXTURE_TASKS, ROOT

MODIFY = """\
diff --git a/calc/ops.py b/calc/ops.py
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -1,2 +1,2 @@
-x = 1
+x = 2
 y = 3
"""

NEW_FILE = """\
diff --git a/calc/new.py b/calc/new.py
new file mode 100644
--- /dev/null
+++ b/calc/new.py
@@ -0,0 +1 @@
+z = 1
"""


def with_path(path: str) -> str:
    return MODIFY.replace("calc/ops.py", path)


def test_parses_files_and_counts() -> None:
    parsed = parse_patch(MODIFY + NEW_FILE)
    assert isinstance(parsed, ParsedPatch)
    assert [f.path for f in parsed.files] == ["calc/ops.py", "calc/new.py"]
    assert parsed.files[1].source_path is None
    assert (parsed.files[0].added_lines, parsed.files[0].removed_lines) == (1, 1)
    assert parsed.paths == ("calc/new.py", "calc/ops.py")
    assert len(parsed.sha256) == 64


def test_plain_diff_without_git_header() -> None:
    parsed = parse_patch(MODIFY.split("\n", 1)[1])
    assert isinstance(parsed, ParsedPatch)
    assert parsed.files[0].path == "calc/ops.py"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I think you should change line 3.", "no file changes"),
        ("--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n-a\n+b\n", "not a valid unified diff"),
        (with_path("/etc/passwd"), "absolute"),
        (with_path("../outside.py"), "leaves the repository"),
        (with_path("calc/../../outside.py"), "leaves the repository"),
        (with_path(".git/config"), ".git"),
        (NEW_FILE.replace("new file mode 100644", "new file mode 120000"), "symlink"),
    ],
)
def test_rejections_say_why(text: str, words: str) -> None:
    rejected = parse_patch(text)
    assert isinstance(rejected, PatchRejection)
    assert words in rejected.reason


def test_path_through_a_symlink_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "calc").symlink_to(tmp_path / "real")
    rejected = parse_patch(MODIFY, tmp_path)
    assert isinstance(rejected, PatchRejection)
    assert "symlink" in rejected.reason


def test_ordinary_repo_paths_pass_the_symlink_check(tmp_path: Path) -> None:
    (tmp_path / "calc").mkdir()
    (tmp_path / "calc" / "ops.py").write_text("x = 1\ny = 3\n")
    assert isinstance(parse_patch(MODIFY, tmp_path), ParsedPatch)


@pytest.mark.parametrize(("text", "empty"), [("", True), ("  \n\n", True), (MODIFY, False)])
def test_empty_patch(text: str, empty: bool) -> None:
    assert is_empty_patch(text) is empty


SHIPPED_TASKS = [*load_suite("core", ROOT / "tasks"), *load_suite("mini", FIXTURE_TASKS)]


@pytest.mark.parametrize("task", SHIPPED_TASKS, ids=lambda task: task.id)
def test_every_shipped_task_patch_parses(task: Task) -> None:
    """The gold and hidden-test patches of every shipped task parse against their repository,
    with the files, names and line counts unidiff finds in them (plain names, nothing quoted)."""
    for text in (task.gold_patch, task.tests_patch):
        parsed = parse_patch(text, task.repo_dir)
        assert isinstance(parsed, ParsedPatch), parsed
        assert [_summary(f) for f in parsed.files] == _unidiff_summary(text)


def _summary(change: FileChange) -> tuple[str | None, str | None, int, int]:
    return (change.source_path, change.target_path, change.added_lines, change.removed_lines)


def _unidiff_summary(text: str) -> list[tuple[str | None, str | None, int, int]]:
    return [
        (
            None if f.is_added_file else f.source_file.removeprefix("a/"),
            None if f.is_removed_file else f.target_file.removeprefix("b/"),
            f.added,
            f.removed,
        )
        for f in PatchSet(text)
    ]


def test_changed_lines_beyond_the_hunk_counts_are_rejected() -> None:
    """Regression: a hunk header counting 3 new lines followed by 15 added lines parsed, and the
    tools applied 2 of the 15 lines without a word."""
    body = "".join(f"+line{i}\n" for i in range(15))
    patch = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,1 +1,3 @@\n old\n" + body
    rejected = parse_patch(patch)
    assert isinstance(rejected, PatchRejection)
    assert "more changed lines (line 8) than its header counts" in rejected.reason


def test_patch_sha256_is_total_and_tells_texts_apart() -> None:
    """Regression: a lone surrogate (from a JSON "\\ud800" escape) made `text.encode()` raise
    UnicodeEncodeError and killed the run. The hash must exist for any str, keep its old value
    for valid text, and differ between a lone surrogate, its pair, and the character."""
    from codebench.patching import patch_sha256

    texts = ["a\ud800b", "a\udc80b", "a\ud83d\ude00b", "a\U0001f600b", "a\ufffdb", "ab"]
    hashes = {patch_sha256(text) for text in texts}
    assert len(hashes) == len(texts)
    assert patch_sha256(MODIFY) == hashlib.sha256(MODIFY.encode()).hexdigest()  # keys still match


def test_a_lone_surrogate_is_a_malformed_patch_naming_its_line() -> None:
    """Regression: a patch holding a lone surrogate parsed fine and only crashed later, when
    it was encoded to be staged in the sandbox. It is malformed, and the reason says where."""
    text = MODIFY.replace("+x = 2", "+x = '\udcff'")
    rejected = parse_patch(text)
    assert isinstance(rejected, PatchRejection)
    assert "line 6" in rejected.reason and "UTF-8" in rejected.reason
