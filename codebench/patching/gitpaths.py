"""How git and GNU patch read the names and modes in a patch's headers (git's apply.c, quote.c).

A name in a patch is not taken literally by the tools that apply it: it may be C-quoted
(`"a/\\056git/config"` is `a/.git/config`), `-p1` drops its first component, and GNU patch
ends some plain names at a blank. A mode is an octal number read by strtoul, so `0120000` and
`  120000` are symlinks too. These helpers read names and modes the way those tools do, so that
parse.py checks what they would really act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class PatchError(Exception):
    """Why a patch cannot be accepted (parse_patch turns it into a PatchRejection)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Name:
    """A file name from a patch header: as written there, and unquoted (prefix still on)."""

    written: str
    unquoted: str

    def __str__(self) -> str:
        """The name for a message: as written, and unquoted too when that differs."""
        if self.written == self.unquoted:
            return repr(self.unquoted)
        return f"{self.written} (unquoted: {self.unquoted!r})"


# git's unquote_c_style knows these escapes and octal ones of exactly three digits, the first
# 0-3 (a byte); where git cannot unquote a name it falls back to the literal text, so we refuse.
C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
OCTAL_ESCAPE = re.compile(r"[0-3][0-7]{2}")
QUOTE_OR_BACKSLASH = re.compile(r'["\\]')
DEV_NULL = re.compile(r"/dev/null(\s|$)")  # git's is_dev_null
# git's diff_timestamp_len: a date (and time, zone) after a plain name in a non-git diff
TRAILING_DATE = re.compile(r" +(\d\d)?\d\d-\d\d-\d\d( \d\d:\d\d:\d\d(\.\d+)?)?( [+-]\d\d:?\d\d)?$")
FILE_TYPE, REGULAR, SYMLINK, GITLINK = 0o170000, 0o100000, 0o120000, 0o160000
MODE_TEXT = re.compile(r"\s*([0-7]+)\s*")
# Lines that carry modes, however blank-separated: git and GNU patch skip blanks before a mode.
MODE_LINE = re.compile(r"(old mode|new mode|deleted file mode|new file mode)(?=\s|$)(.*)")
INDEX_LINE = re.compile(r"index\s+[0-9a-fA-F]*\.\.[0-9a-fA-F]*(.*)")
# Code points HFS+ ignores in names, so `.g\u200cit` is `.git` there (git's is_hfs_dotgit).
HFS_IGNORED = re.compile("[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]")


def unquote_c_style(text: str) -> tuple[str, str]:
    """Unquote the C-quoted name that starts `text` as git's unquote_c_style does; return it
    and the text after the closing quote. Raise PatchError where git could not unquote it."""
    out = bytearray()
    pos = 1
    while (special := QUOTE_OR_BACKSLASH.search(text, pos)) is not None:
        out += _utf8(text[pos : special.start()], text)
        if special.group() == '"':
            return _decoded(bytes(out), text), text[special.end() :]
        pos = _unescape(text, special.end(), out)
    raise PatchError(f"badly quoted name {text!r}: no closing quote")


def _unescape(text: str, pos: int, out: bytearray) -> int:
    escape = text[pos : pos + 1]
    if escape and escape in C_ESCAPES:
        out.append(C_ESCAPES[escape])
        return pos + 1
    if OCTAL_ESCAPE.fullmatch(text, pos, pos + 3):
        out.append(int(text[pos : pos + 3], 8))
        return pos + 3
    raise PatchError(f"badly quoted name {text!r}: git cannot unquote '\\{text[pos : pos + 3]}'")


def _utf8(chunk: str, text: str) -> bytes:
    try:
        return chunk.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise PatchError(f"badly quoted name {text!r}: not encodable") from None


def _decoded(raw: bytes, text: str) -> str:
    if 0 in raw:
        raise PatchError(f"badly quoted name {text!r}: it holds a NUL byte")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PatchError(f"badly quoted name {text!r}: not UTF-8") from None


def read_name(rest: str, *, to_tab: bool, dated: bool = False) -> Name | None:
    """The name that starts `rest` (the text after `--- `, `rename to ` ...); None for /dev/null.

    A quoted name is unquoted. A plain one ends at a tab when `to_tab` (git's TERM_TAB, for
    `---`/`+++` lines), else at the end of the line; `dated` drops a timestamp after a blank
    as git does for a non-git diff, and trailing blanks go as GNU patch drops them.
    """
    rest = rest.removesuffix("\r")  # GNU patch drops the CRs of a CRLF patch
    if DEV_NULL.match(rest):
        return None
    if rest[:1].isspace():
        # git keeps the blanks as part of the name, GNU patch skips them: they would disagree
        raise PatchError(f"file name {rest!r} starts with whitespace")
    if rest.startswith('"'):
        unquoted, after = unquote_c_style(rest)
        if after[:1] not in ("", " ", "\t"):
            raise PatchError(f"badly quoted name {rest!r}: text follows the closing quote")
        return Name(rest[: len(rest) - len(after)], unquoted)
    plain = rest.split("\t", 1)[0] if to_tab else rest
    if dated:
        plain = TRAILING_DATE.sub("", plain)
    plain = plain.rstrip(" ")  # git would keep trailing blanks, GNU patch drops them
    return Name(plain, plain)


def header_names(rest: str) -> list[tuple[Name, Name]]:
    """Every way to read the two names of a `diff --git` line (`rest` follows `diff --git `).

    Quoted names are read exactly, as git's git_header_name does; two plain names are split at
    each blank in turn, since a plain name may hold blanks itself.
    """
    rest = rest.rstrip()  # trailing blanks or a CR belong to neither name for either tool
    if rest.startswith('"'):
        first, after = unquote_c_style(rest)
        if not after[:1].isspace():
            raise PatchError(f"badly quoted names in 'diff --git {rest}': no blank between them")
        return [(Name(rest[: len(rest) - len(after)], first), _second_name(after.lstrip()))]
    quote = rest.find('"')
    if quote > 0:
        if not rest[quote - 1].isspace():
            raise PatchError(f"badly quoted name in 'diff --git {rest}'")
        first_text = rest[:quote].rstrip()
        return [(Name(first_text, first_text), _second_name(rest[quote:]))]
    splits = [(rest[:at].rstrip(), rest[at + 1 :].lstrip()) for at in _blanks(rest)]
    return [(Name(left, left), Name(right, right)) for left, right in splits if left and right]


def _blanks(text: str) -> list[int]:
    return [at for at, char in enumerate(text) if char in " \t"]


def _second_name(text: str) -> Name:
    if not text.startswith('"'):
        return Name(text, text)
    unquoted, after = unquote_c_style(text)
    if after.strip():
        raise PatchError(f"badly quoted name {text!r}: text follows the closing quote")
    return Name(text[: len(text) - len(after)], unquoted)


def strip_prefix(path: str) -> str | None:
    """`path` less its first component, as `-p1` reads it, with repeated slashes squashed;
    None when there is none to strip (git's skip_tree_prefix: no slash, or a leading one)."""
    head, slash, tail = path.partition("/")
    if not slash or not head:
        return None
    return re.sub("/{2,}", "/", tail)


def check_mode(text: str, where: str) -> None:
    """Reject unless `text` is a regular file's octal mode. git reads a mode with strtoul(.., 8),
    so any blanks and leading zeros are allowed, and a symlink is a symlink however spelt."""
    match = MODE_TEXT.fullmatch(text)
    if match is None:
        raise PatchError(f"{where}: unreadable file mode {text.strip()!r}")
    mode = int(match.group(1), 8)
    kind = mode & FILE_TYPE
    if kind == SYMLINK:
        raise PatchError(f"the patch creates or changes a symlink, which is not allowed ({where})")
    if kind == GITLINK:
        raise PatchError(
            f"the patch creates or changes a submodule (gitlink), which is not allowed ({where})"
        )
    if kind != REGULAR or mode > 0o177777:  # git's index would take a directory as a gitlink
        raise PatchError(f"{where}: file mode {match.group(1)} is not a regular file's")


def check_modes(line: str, where: str) -> None:
    """Check the mode(s) of a mode line or an `index` line; other lines carry none."""
    where = f"{where}: {line.strip()!r}"
    if match := MODE_LINE.match(line):
        check_mode(match.group(2), where)
    elif match := INDEX_LINE.match(line):
        for token in match.group(1).split():
            check_mode(token, where)


def is_dot_git(component: str) -> bool:
    """True for a path component some filesystem takes as `.git`: in any case (case-insensitive
    filesystems), with trailing dots or blanks or a stream suffix, or as `git~1` (NTFS), or with
    ignorable code points inside (HFS+), like git's is_ntfs_dotgit and is_hfs_dotgit."""
    name = HFS_IGNORED.sub("", component).casefold().split(":", 1)[0]
    return re.sub(r"[\s.]+$", "", name) in (".git", "git~1")


def name_problem(name: Name) -> str | None:
    """Why a name is unsafe under any reading git or GNU patch could give it, or None: whole or
    each blank-separated piece of it (GNU patch ends some plain names at a blank), with and
    without its first component (`-p1`)."""
    for reading in (name.unquoted, *name.unquoted.split()):
        for form in (reading, strip_prefix(reading)):
            why = None if form is None else _unsafe(form)
            if why:
                return f"path {name} {why}"
    return None


def _unsafe(path: str) -> str | None:
    if not path.strip():
        return "is empty"
    if path.startswith(("/", "\\", "~")):
        return "is absolute; patches must use paths relative to the repository"
    parts = re.split(r"[/\\]", path)  # a backslash separates on Windows filesystems
    if any(part.strip() == ".." for part in parts):
        return "leaves the repository"
    if any(is_dot_git(part) for part in parts):
        return "touches .git"
    return None


# GNU patch strips blanks and X's before a header (indented patches, RFC 934 "- " before ---);
# git skips such lines. These are the headers GNU patch would then see.
GNU_HEADERS = (
    "--- ", "+++ ", "*** ", "@@ -", "diff --git ", "Index:", "GIT binary patch", "index ",
    "old mode ", "new mode ", "new file mode ", "deleted file mode ",
    "rename from ", "rename to ", "copy from ", "copy to ",
)  # fmt: skip
GNU_INDENT = re.compile(r"^[ \tX]*(- )*(?=--- )|^[ \tX]+")
BINARY_DIFFER = re.compile(r"(Binary files|Files) .* differ\s*")
# a normal diff's command (`2,3c4`) or an ed script's (`5a`, `s/.//`), as GNU patch spots them
ED_COMMAND = re.compile(r"(\d+(,\d+)?)?([acdi]|s/\.//)[ \t]*\r?|\d[\d,]*[acd][\d,]*[ \t]*\r?")
NAMED_LINE = re.compile(r"(--- |\+\+\+ |\*\*\* |Index:|(rename|copy) \w+ )(.*)")


def check_stray_line(line: str, where: str) -> None:
    """Check a line outside every hunk and git header. git skips such lines, but GNU patch, the
    apply chain's last step, may read one as a header, a name, a mode or another diff format."""
    if GNU_INDENT.sub("", line) != line and GNU_INDENT.sub("", line).startswith(GNU_HEADERS):
        raise PatchError(f"{where}: an indented diff header, which GNU patch would read")
    if line.startswith("GIT binary patch") or BINARY_DIFFER.fullmatch(line):
        raise PatchError(f"{where}: a binary section; codebench grades text patches only")
    if line.startswith("********"):
        raise PatchError(f"{where}: a context diff; only unified diffs are accepted")
    if ED_COMMAND.fullmatch(line):
        raise PatchError(f"{where}: an ed script or normal diff command; only unified diffs")
    check_modes(line, where)
    if (match := NAMED_LINE.match(line)) and (text := match.group(3).strip()):
        # GNU patch skips the blanks before such a name
        name = read_name(text, to_tab=match.group(1) != "Index:")
        if name is not None and (problem := name_problem(name)):
            raise PatchError(problem)
