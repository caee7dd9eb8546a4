"""Patches judged by the names and modes git and GNU patch really act on (git's apply.c rules).

Each nasty patch below was tried against the parser as it was before names were unquoted and
modes parsed as numbers (unidiff plus a regex); the docstrings say what that parser did.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codebench.patching import ParsedPatch, PatchRejection, parse_patch

BODY = "@@ -1 +1 @@\n-a\n+b\n"
NEW_BODY = "@@ -0,0 +1 @@\n+x\n"


def modify(old: str, new: str, header: str | None = None) -> str:
    """A one-hunk change whose `---`/`+++` names are written exactly as given."""
    header = header or f"{old} {new}"
    return f"diff --git {header}\nindex 1234567..89abcde 100644\n--- {old}\n+++ {new}\n{BODY}"


def new_file(mode_line: str, index: str = "index 0000000..1234567", body: str = NEW_BODY) -> str:
    return f"diff --git a/ln b/ln\n{mode_line}\n{index}\n--- /dev/null\n+++ b/ln\n{body}"


def rejected(text: str, *words: str) -> PatchRejection:
    result = parse_patch(text)
    assert isinstance(result, PatchRejection), result
    for word in words:
        assert word in result.reason, result.reason
    return result


def accepted(text: str) -> ParsedPatch:
    result = parse_patch(text)
    assert isinstance(result, ParsedPatch), result
    return result


# --- quoted names -------------------------------------------------------------------------------


def test_octal_escaped_dot_git_is_rejected() -> None:
    """Before the fix this was accepted: unidiff kept the quotes and the \\056 escape, so the
    component check never saw `.git`; `git apply` refused it and `patch --fuzz` wrote .git."""
    text = modify('"a/\\056git/info/exclude"', '"b/\\056git/info/exclude"')
    reason = rejected(text, ".git", "a/.git/info/exclude").reason
    assert '"a/\\056git/info/exclude"' in reason  # named as written, too


def test_plainly_quoted_dot_git_is_rejected_for_the_right_reason() -> None:
    """Before the fix this was rejected only by luck: the quotes stayed on, and the path was
    reported as '"a/.git/config"' (the leading component was `"a`)."""
    reason = rejected(modify('"a/.git/config"', '"b/.git/config"'), ".git").reason
    assert "unquoted: 'a/.git/config'" in reason


def test_octal_escape_only_gnu_patch_reads_is_rejected() -> None:
    """Before the fix this was accepted. git cannot unquote `\\456` (its first octal digit is
    over 3) and would fall back to the literal text; a reader that wrapped the byte would get
    0o456 & 0xff, which is '.'. A name git cannot unquote is refused, not guessed at."""
    rejected(modify('"a/\\456git/config"', '"b/\\456git/config"'), "quoted")


def test_whitespace_before_a_quoted_name_is_rejected() -> None:
    """Before the fix this was rejected, but only as 'not a valid unified diff'. git would take
    the quotes literally and GNU patch skips the blanks and unquotes: they disagree."""
    text = 'diff --git a/x b/x\n--- \t"a/\\056git/x"\n+++ \t"b/\\056git/x"\n' + BODY
    rejected(text)


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('"a/sp ace.py"', '"b/sp ace.py"', "sp ace.py"),
        ('"a/caf\\303\\251.py"', '"b/caf\\303\\251.py"', "café.py"),
        ('"a/tab\\there.py"', '"b/tab\\there.py"', "tab\there.py"),
        ('"a/q\\"uote\\\\.py"', '"b/q\\"uote\\\\.py"', 'q"uote\\.py'),
        ("a/sp ace.py", "b/sp ace.py", "sp ace.py"),
    ],
)
def test_quoted_ordinary_names_are_accepted_and_unquoted(old: str, new: str, path: str) -> None:
    """Before the fix the quoted ones were accepted but reported with their quotes and escapes
    (`'"a/sp ace.py"'`), so later checks such as protected test paths saw the wrong names."""
    parsed = accepted(modify(old, new))
    assert [(f.path, f.source_path, f.target_path) for f in parsed.files] == [(path, path, path)]
    assert parsed.paths == (path,)


@pytest.mark.parametrize(
    "name",
    [
        '"a/bad\\q.py"',  # not an escape git knows
        '"a/short\\05.py"',  # octal escapes have exactly three digits
        '"a/unterminated.py',
        '"a/nul\\000.py"',
        '"a/latin1\\351.py"',  # not UTF-8
        '"a/x.py"junk',
    ],
)
def test_badly_quoted_names_are_rejected(name: str) -> None:
    """Before the fix each was accepted, quotes and all. git cannot unquote them and would read
    the name literally; GNU patch reads some of them its own way."""
    rejected(modify(name, name.replace('"a/', '"b/')), "quoted")


# --- .git, .., absolute --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [".GIT/hooks/x", ".Git/config", "sub/.gIt/config", ".git./config", ".git /config", "GIT~1/x"],
)
def test_dot_git_in_any_case_or_ntfs_spelling_is_rejected(path: str) -> None:
    """Before the fix these were accepted: only the exact component `.git` was refused, but
    `.GIT` is `.git` on a case-insensitive filesystem (and `.git.`, `git~1` on NTFS)."""
    rejected(modify(f"a/{path}", f"b/{path}"), ".git")


def test_rename_to_dot_git_is_rejected() -> None:
    """Before the fix this was accepted: unidiff took the names from the `diff --git` header
    and never checked `rename to`, which is the name git acts on."""
    text = (
        "diff --git a/calc/ops.py b/calc/ops.py\nsimilarity index 100%\n"
        "rename from calc/ops.py\nrename to .git/config\n"
    )
    rejected(text, ".git/config")


def test_copy_to_parent_directory_is_rejected() -> None:
    """Before the fix this was accepted: `copy to` names were never checked."""
    text = (
        "diff --git a/calc/ops.py b/calc/ops.py\nsimilarity index 100%\n"
        "copy from calc/ops.py\ncopy to ../x\n"
    )
    rejected(text, "leaves the repository")


def test_empty_file_created_through_a_quoted_header_name_is_rejected() -> None:
    """Before the fix this was accepted: an empty new file's name is only on the `diff --git`
    line (git's git_header_name), which was taken with its quotes and escapes."""
    text = 'diff --git "a/\\056git/hooks/x" "b/\\056git/hooks/x"\nnew file mode 100755\n'
    rejected(text + "index 0000000..e69de29\n", ".git")


# --- modes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(new_file("new file mode 0120000"), id="leading-zero"),
        pytest.param(new_file("new file mode  120000"), id="two-spaces"),
        pytest.param(new_file("new file mode\t120000"), id="tab"),
        pytest.param(new_file("new file mode 100644", "index 0000000..e69de29 120000"), id="index"),
        pytest.param(
            "diff --git a/calc/ops.py b/calc/ops.py\nold mode 100644\nnew mode\t120000\n",
            id="new-mode-tab",
        ),
    ],
)
def test_symlink_modes_in_any_spelling_are_rejected(text: str) -> None:
    """Before the fix each was accepted: the regex wanted exactly `mode 120000` after one space,
    but git reads modes with strtoul(..., 8) (leading zeros, any blanks) and the index line's
    mode counts too; GNU patch reads modes after any blanks."""
    rejected(text, "symlink")


def test_gitlink_is_rejected() -> None:
    """Before the fix this was accepted: a gitlink (submodule, mode 160000) was not checked."""
    body = "@@ -0,0 +1 @@\n+Subproject commit 1234567890123456789012345678901234567890\n"
    rejected(new_file("new file mode 160000", body=body), "submodule")


@pytest.mark.parametrize(
    "mode_line",
    ["new file mode +120000", "new file mode 40000", "new file mode 644", "new file mode rwx"],
)
def test_signed_odd_or_unreadable_modes_are_rejected(mode_line: str) -> None:
    """Before the fix each was accepted. Only regular files (type 0o100000) are allowed:
    strtoul takes a sign, and a directory mode becomes a gitlink in git's index."""
    rejected(new_file(mode_line), "mode")


# --- binary sections -----------------------------------------------------------------------------


def test_git_binary_patch_is_rejected() -> None:
    """Before the fix this was accepted (as a new file with no lines)."""
    text = (
        "diff --git a/img.png b/img.png\nnew file mode 100644\nindex 0000000..1234567\n"
        "GIT binary patch\nliteral 5\nMcmZ?wbhEHbHV*&\n\nliteral 0\nHcmV?d00001\n\n"
    )
    rejected(text, "binary")


def test_binary_files_differ_is_rejected() -> None:
    """Before the fix this was accepted (as a change of no lines)."""
    text = (
        "diff --git a/img.png b/img.png\nindex 1234567..89abcde 100644\n"
        "Binary files a/img.png and b/img.png differ\n"
    )
    rejected(text, "binary")


# --- names that disagree -------------------------------------------------------------------------


def test_header_and_plus_plus_plus_disagreeing_is_rejected() -> None:
    """Before the fix this was rejected, but as 'not a valid unified diff: Target without
    source'. git would act on `+++`, GNU patch on the header: they must name the same file."""
    text = modify("a/src/x.py", "b/tests/test_x.py", header="a/src/x.py b/src/x.py")
    rejected(text, "does not agree", "src/x.py", "tests/test_x.py")


def test_header_naming_a_harmless_file_cannot_hide_dot_git() -> None:
    """Before the fix this was rejected, but as 'not a valid unified diff'."""
    rejected(modify("a/src/x.py", "b/.git/config", header="a/src/x.py b/src/x.py"), ".git")


def test_traditional_old_and_new_names_disagreeing_is_rejected() -> None:
    """Before the fix this was accepted: git patches the `+++` file, GNU patch whichever exists."""
    rejected("--- a/src/x.py\n+++ b/tests/test_x.py\n" + BODY, "does not agree")


def test_rename_header_must_match_rename_lines() -> None:
    """Before the fix this was accepted: GNU patch renames what the header says, git what the
    `rename from`/`rename to` lines say."""
    text = (
        "diff --git a/calc/ops.py b/calc/new.py\nsimilarity index 100%\n"
        "rename from calc/ops.py\nrename to calc/other.py\n"
    )
    rejected(text, "does not agree")


def test_agreeing_rename_is_accepted_with_both_names() -> None:
    text = (
        'diff --git a/calc/ops.py "b/calc/n\\303\\251w.py"\nsimilarity index 90%\n'
        'rename from calc/ops.py\nrename to "calc/n\\303\\251w.py"\n'
        'index 1234567..89abcde 100644\n--- a/calc/ops.py\n+++ "b/calc/n\\303\\251w.py"\n' + BODY
    )
    change = accepted(text).files[0]
    assert (change.path, change.source_path, change.target_path) == (
        "calc/néw.py",
        "calc/ops.py",
        "calc/néw.py",
    )


# --- hunk bodies are not headers -----------------------------------------------------------------


def test_removed_and_added_lines_that_look_like_headers_are_body() -> None:
    """A removed line `-- foo` is written `--- foo` inside a hunk; the hunk's counts say it is
    body. (Accepted before the fix too: unidiff counts hunk lines.)"""
    text = (
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,4 +1,4 @@\n a\n"
        "--- foo\n+++ bar\n-diff --git a/.git/x b/.git/x\n+new file mode 120000\n b\n"
    )
    parsed = accepted(text)
    assert [(f.path, f.added_lines, f.removed_lines) for f in parsed.files] == [("x.py", 2, 2)]


def test_a_header_right_after_a_full_hunk_is_a_header() -> None:
    text = modify("a/x.py", "b/x.py") + "--- a/.git/config\n+++ b/.git/config\n" + BODY
    rejected(text, ".git")


def test_hunk_longer_than_its_body_is_rejected() -> None:
    """(Rejected before the fix too.)"""
    rejected(modify("a/x.py", "b/x.py").replace("@@ -1 +1 @@", "@@ -1,3 +1,3 @@"), "hunk")


# --- what only GNU patch would read --------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        pytest.param("X--- a/.git/config\nX+++ b/.git/config\nX@@ -1 +1 @@\nX-a\nX+b\n", id="X"),
        pytest.param("  --- a/y.py\n  +++ b/y.py\n  @@ -1 +1 @@\n  -a\n  +b\n", id="spaces"),
        pytest.param("- --- a/y.py\n", id="rfc934"),
    ],
)
def test_indented_headers_are_rejected(tail: str) -> None:
    """Before the fix each was accepted: git skips indented lines as garbage, but GNU patch
    strips leading blanks and X's (and RFC 934 '- ' before `---`) and reads them as headers."""
    rejected(modify("a/x.py", "b/x.py") + tail, "indented")


def test_index_line_naming_dot_git_is_rejected() -> None:
    """Before the fix this was accepted: GNU patch falls back to an `Index:` line's name."""
    rejected("Index: .git/config\n" + modify("a/x.py", "b/x.py"), ".git")


def test_context_diff_is_rejected() -> None:
    """Before the fix this was accepted: unidiff skipped it, GNU patch would apply it."""
    text = modify("a/x.py", "b/x.py") + (
        "*** a/y.py\n--- b/y.py\n***************\n*** 1 ****\n! a\n--- 1 ----\n! b\n"
    )
    rejected(text, "context diff")


@pytest.mark.parametrize("command", ["1c1", "2,3d1", "5a", "s/.//"])
def test_normal_diff_and_ed_commands_are_rejected(command: str) -> None:
    """Before the fix each was accepted: git ignores them, GNU patch runs them on some file."""
    rejected(modify("a/x.py", "b/x.py") + f"{command}\n< a\n---\n> b\n", "ed script")


def test_hunk_after_other_text_is_rejected() -> None:
    """(Rejected before the fix too: git calls it a fragment without a header.)"""
    rejected(modify("a/x.py", "b/x.py") + "some words\n" + BODY, "hunk")


def test_blank_lines_between_hunks_are_tolerated() -> None:
    parsed = accepted(modify("a/x.py", "b/x.py") + "\n" + BODY.replace("-1 +1", "-5 +5"))
    assert (parsed.files[0].added_lines, parsed.files[0].removed_lines) == (2, 2)


# --- git's own output ---------------------------------------------------------------------------

AWKWARD_NAMES = ["sp ace.py", "café.py", 'quo"te.py', "back\\slash.py", "tab\tname.py", "x y/z.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_quoted_names_parse_to_the_real_names(tmp_path: Path) -> None:
    """`git diff` quotes these names (C-style, octal escapes for non-ASCII); they come back."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=true", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    git("init", "-q")
    for name in AWKWARD_NAMES:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("a\n")
    (tmp_path / "old é.py").write_text("".join(f"line {n}\n" for n in range(20)))
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    for name in AWKWARD_NAMES:
        (tmp_path / name).write_text("b\n")
    (tmp_path / "new é.py").write_text("n\n")
    (tmp_path / "old é.py").rename(tmp_path / "renamed é.py")
    git("add", "-A")
    diff = git("diff", "--cached", "-M", "HEAD")
    assert '"a/caf\\303\\251.py"' in diff  # git really quoted them
    parsed = accepted(diff)
    assert "rename from" in diff
    expected = {*AWKWARD_NAMES, "new é.py", "old é.py", "renamed é.py"}
    assert set(parsed.paths) == expected
    rename = next(f for f in parsed.files if f.source_path == "old é.py")
    assert rename.target_path == "renamed é.py"


ORACLE_PATCHES = {
    "quoted": modify('"a/sp ace.py"', '"b/sp ace.py"'),
    "octal-utf8": modify('"a/caf\\303\\251.py"', '"b/caf\\303\\251.py"'),
    "tab-escape": modify('"a/t\\tb.py"', '"b/t\\tb.py"'),
    "plain-spaces": modify("a/sp ace.py", "b/sp ace.py"),
    "header-trailing-blank": modify("a/x.py", "b/x.py", header="a/x.py b/x.py  "),
    "rename": (
        'diff --git a/calc/ops.py "b/calc/n\\303\\251w.py"\nsimilarity index 90%\n'
        'rename from calc/ops.py\nrename to "calc/n\\303\\251w.py"\n'
        'index 1234567..89abcde 100644\n--- a/calc/ops.py\n+++ "b/calc/n\\303\\251w.py"\n' + BODY
    ),
    "empty-new-file": "diff --git a/e f.py b/e f.py\nnew file mode 100644\nindex 0000000..e69de29\n",
    "mode-change": "diff --git a/r u.sh b/r u.sh\nold mode 100644\nnew mode 100755\n",
    "delete": (
        "diff --git a/x.py b/x.py\ndeleted file mode 100644\nindex 1234567..0000000\n"
        "--- a/x.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"
    ),
    "dated": "--- a/x.py 2020-01-02 03:04:05.000000000 +0000\n+++ b/x.py 2020-01-02 03:04:05.000000000 +0000\n"
    + BODY,
    "tab-dated": "--- a/x.py\t2020-01-02 03:04:05\n+++ b/x.py\t2020-01-02 03:04:05\n" + BODY,
    "no-prefix": "--- calc/ops.py\n+++ calc/ops.py\n" + BODY,
    "no-slash": "--- ops.py\n+++ ops.py\n" + BODY,
    "dash-lines-in-hunk": (
        "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n--- foo\n+++ bar\n b\n" + modify("a/y", "b/y")
    ),
}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("text", ORACLE_PATCHES.values(), ids=ORACLE_PATCHES.keys())
def test_files_and_counts_match_git_apply_numstat(text: str, tmp_path: Path) -> None:
    """git itself is the oracle: `git apply --numstat` names the files it would change."""
    (tmp_path / "p.patch").write_text(text)
    numstat = subprocess.run(
        ["git", "apply", "--numstat", "-z", "p.patch"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_git = [tuple(entry.split("\t", 2)) for entry in numstat.split("\0") if entry]
    ours = [(str(f.added_lines), str(f.removed_lines), f.path) for f in accepted(text).files]
    assert ours == by_git


def git_quote(name: str) -> str:
    """A name C-quoted the way git's quote_c_style writes it (core.quotepath on)."""
    escapes = {7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 34: '"', 92: "\\"}
    out = []
    for byte in name.encode():
        if byte in escapes:
            out.append("\\" + escapes[byte])
        elif byte < 0x20 or byte >= 0x7F:
            out.append(f"\\{byte:03o}")
        else:
            out.append(chr(byte))
    return '"' + "".join(out) + '"'


@given(st.text(st.characters(blacklist_characters="\0/", blacklist_categories=("Cs",)), min_size=1))
def test_any_quoted_name_comes_back_unquoted(name: str) -> None:
    text = modify(git_quote(f"a/d/{name}"), git_quote(f"b/d/{name}"))
    parsed = parse_patch(text)
    if isinstance(parsed, ParsedPatch):
        assert parsed.paths == (f"d/{name}",)
    else:  # only for names that are unsafe however they are spelt
        assert any(
            w in parsed.reason for w in ("leaves the repository", ".git", "empty", "absolute")
        )
