"""Reading a patch into file sections the way `git apply` does (git's apply.c).

A section starts at a `diff --git` line or at a `---`/`+++` pair. A git section's extended
header lines are read by git's keywords, and a hunk runs for as many lines as its
`@@ -a,b +c,d @@` counts say, so a removed line `-- foo` (written `--- foo`) is body, not a
header. Every name and mode outside the hunk bodies is checked (`gitpaths`), wherever it is,
because the apply chain ends with GNU patch, which reads more than git does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codebench.patching.gitpaths import (
    Name,
    PatchError,
    check_modes,
    check_stray_line,
    header_names,
    name_problem,
    read_name,
    strip_prefix,
)

HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
# git's extended header lines (apply.c's optable); any other line ends a git header
GIT_HEADER_KEYWORDS = (
    "--- ", "+++ ", "old mode ", "new mode ", "deleted file mode ", "new file mode ",
    "copy from ", "copy to ", "rename old ", "rename new ", "rename from ", "rename to ",
    "similarity index ", "dissimilarity index ", "index ",
)  # fmt: skip
# Lines naming a section's old or new file, and how many components git strips from the name:
# `---`/`+++` take -p1, rename and copy lines are relative to the top already.
OLD_SIDE = {"--- ": 1, "rename from ": 0, "rename old ": 0, "copy from ": 0}
NEW_SIDE = {"+++ ": 1, "rename to ": 0, "rename new ": 0, "copy to ": 0}


@dataclass
class Section:
    """One file's part of a patch, as read so far."""

    line: int  # where it starts (1-based)
    header: str | None  # the text after `diff --git `; None for a plain `---`/`+++` section
    names: list[tuple[str, Name | None]] = field(default_factory=list)  # None is /dev/null
    new_file: bool = False
    deleted: bool = False
    moved: bool = False  # renamed or copied
    has_content: bool = False  # anything past a `diff --git` line
    hunk_may_follow: bool = True
    added: int = 0
    removed: int = 0


def read_sections(text: str) -> list[Section]:
    """The file sections of a patch, in order, each checked as it is read (PatchError if not)."""
    lines = text.split("\n")  # git splits on LF only (str.splitlines would split on more)
    if lines[-1] == "":
        lines.pop()
    sections: list[Section] = []
    index = 0
    while index < len(lines):
        index = _read_at(lines, index, sections)
    return sections


def _read_at(lines: list[str], index: int, sections: list[Section]) -> int:
    """Read whatever starts at `lines[index]`; return the index after it."""
    line = lines[index]
    if line.startswith("diff --git "):
        sections.append(Section(index + 1, line.removeprefix("diff --git ")))
        _check_header(line.removeprefix("diff --git "))
        return _read_git_header(lines, index + 1, sections[-1])
    if line.startswith("--- ") and index + 1 < len(lines) and lines[index + 1][:4] == "+++ ":
        sections.append(Section(index + 1, None, has_content=True))
        _record(sections[-1], line, index + 1)
        _record(sections[-1], lines[index + 1], index + 2)
        return index + 2
    current = sections[-1] if sections else None
    if line.startswith("@@ -"):
        if current is None or not current.hunk_may_follow:
            raise PatchError(
                f"not a valid unified diff: the hunk at line {index + 1} has no file header"
                " right before it"
            )
        return _read_hunk(lines, index, current)
    check_stray_line(line, f"line {index + 1}")
    if current is not None and line.strip():
        current.hunk_may_follow = False  # git: a hunk after other text has no header
    return index + 1


def _check_header(header: str) -> None:
    """Check every reading of a `diff --git` line's names: GNU patch acts on them."""
    for pair in header_names(header):
        for name in pair:
            if problem := name_problem(name):
                raise PatchError(problem)


def _read_git_header(lines: list[str], index: int, section: Section) -> int:
    """Read a git section's extended header lines; like git, stop at a hunk or any other line."""
    while index < len(lines) and lines[index].startswith(GIT_HEADER_KEYWORDS):
        section.has_content = True
        _record(section, lines[index], index + 1)
        index += 1
    return index


def _record(section: Section, line: str, number: int) -> None:
    """Take in one header line of a section: check its mode or name, note what it says."""
    check_modes(line, f"line {number}")
    section.new_file |= line.startswith("new file mode ")
    section.deleted |= line.startswith("deleted file mode ")
    keyword = next((k for k in (*OLD_SIDE, *NEW_SIDE) if line.startswith(k)), None)
    if keyword is None:
        return
    dashes = keyword in ("--- ", "+++ ")
    section.moved |= not dashes
    name = read_name(line[len(keyword) :], to_tab=dashes, dated=section.header is None)
    if name is not None and (problem := name_problem(name)):
        raise PatchError(problem)
    section.names.append((keyword, name))


def _read_hunk(lines: list[str], index: int, section: Section) -> int:
    """Read one hunk, as long as its header's line counts say (git's parse_fragment)."""
    header = HUNK_HEADER.match(lines[index])
    if header is None:
        raise PatchError(f"not a valid unified diff: bad hunk header at line {index + 1}")
    old = 1 if header.group(2) is None else int(header.group(2))
    new = 1 if header.group(4) is None else int(header.group(4))
    start, index = index + 1, index + 1
    section.has_content = True
    while old > 0 or new > 0:
        if index >= len(lines):
            raise PatchError(f"not a valid unified diff: the hunk at line {start} is cut short")
        old, new = _count(lines[index], old, new, section)
        if old < 0 or new < 0:
            raise PatchError(f"not a valid unified diff: the hunk at line {start} runs long")
        index += 1
    if index < len(lines) and lines[index].startswith("\\"):
        index += 1  # "\ No newline at end of file" after the hunk's last line
    if _more_changes_follow(lines, index):
        check_stray_line(lines[index], f"line {index + 1}")  # its own, sharper message first
        raise PatchError(
            f"not a valid unified diff: the hunk at line {start} is followed by more changed "
            f"lines (line {index + 1}) than its header counts: fix the @@ line counts"
        )
    return index


def _more_changes_follow(lines: list[str], index: int) -> bool:
    """A `+`/`-` line right after a hunk's counted lines: tools would drop it silently."""
    if index >= len(lines) or lines[index][:1] not in ("+", "-"):
        return False
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return not (lines[index].startswith("--- ") and following.startswith("+++ "))


def _count(line: str, old: int, new: int, section: Section) -> tuple[int, int]:
    """The hunk's remaining old and new line counts after one body line."""
    kind = line[:1]
    if kind in (" ", "") or line == "\r":  # git: an empty line is context (newer GNU diff)
        return old - 1, new - 1
    if kind == "-":
        section.removed += 1
        return old - 1, new
    if kind == "+":
        section.added += 1
        return old, new - 1
    if kind == "\\":  # "\ No newline at end of file"
        return old, new
    raise PatchError(f"not a valid unified diff: hunk line {line!r} is not ' ', '-' or '+'")


def section_paths(section: Section) -> tuple[str | None, str | None] | None:
    """A section's (source, target) paths once its names agree, None for a new or deleted
    file's missing side; None altogether for a bare `diff --git` line (git skips it too)."""
    if not section.has_content:
        return None
    if section.header is None:
        old, new = _plain_paths(section)
    else:
        old, new = _git_paths(section)
    source = None if section.new_file or ("--- ", None) in section.names else old
    target = None if section.deleted or ("+++ ", None) in section.names else new
    if source is None and target is None:
        raise PatchError(f"the file section at line {section.line} names no file")
    return source, target


def _git_paths(section: Section) -> tuple[str, str]:
    """A git section's old and new path. Its `diff --git` names, `---`/`+++` names and rename
    or copy names must agree: git acts on the latter, GNU patch on the `diff --git` line."""
    old, new = _side(section, OLD_SIDE), _side(section, NEW_SIDE)
    for first, second in header_names(section.header or ""):
        left, right = strip_prefix(first.unquoted), strip_prefix(second.unquoted)
        if left is None or right is None:
            continue
        if section.moved and old in (None, left) and new in (None, right):
            return left, right
        if not section.moved and left == right and old in (None, left) and new in (None, left):
            return left, right
    raise _disagreement(section)


def _plain_paths(section: Section) -> tuple[str | None, str | None]:
    old, new = _side(section, OLD_SIDE), _side(section, NEW_SIDE)
    if old is not None and new is not None and old != new:
        raise _disagreement(section)  # git patches `+++`, GNU patch whichever file exists
    return old, new


def _side(section: Section, keywords: dict[str, int]) -> str | None:
    """The one path that a section's names give for its old (or new) side; None if none do."""
    paths: set[str] = set()
    for keyword, name in section.names:
        if keyword in keywords and name is not None:
            paths.add(_path(name, keywords[keyword], git=section.header is not None))
    if len(paths) > 1:
        raise _disagreement(section)
    return next(iter(paths), None)


def _path(name: Name, strip: int, *, git: bool) -> str:
    """The path git takes from a name: -p1 where `strip`, else as it is (slashes squashed).
    Outside git sections git guesses -p0 for a name without a slash."""
    path = re.sub("/{2,}", "/", name.unquoted)
    if not strip or (not git and "/" not in path):
        return path
    stripped = strip_prefix(path)
    if stripped is None:
        raise PatchError(f"path {name} has no leading a/ or b/ component to strip")
    return stripped


def _disagreement(section: Section) -> PatchError:
    said = [f"diff --git {section.header}"] if section.header is not None else []
    said += [
        f"{key.strip()} {name.written if name else '/dev/null'}" for key, name in section.names
    ]
    return PatchError(
        f"the file section at line {section.line} does not agree on which file it changes "
        f"({'; '.join(said)}); git apply and GNU patch could change different files"
    )
