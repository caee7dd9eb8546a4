"""SEARCH/REPLACE blocks: a path line, then <<<<<<< SEARCH / ======= / >>>>>>> REPLACE.

Tolerant where good editors are: a fence around the block, a stray blank line at the edges of
the SEARCH text, and a uniform indentation difference. Never silently wrong: a SEARCH text that
matches nowhere, or in more than one place, is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codebench.models.formats.common import (
    FENCE,
    EditOutcome,
    FormatError,
    FormatErrorKind,
    ParsedEdit,
    RepoFiles,
    clean_path,
    looks_like_path,
)
from codebench.patching.render import render_diff

SEARCH = re.compile(r"^\s*<{5,9} ?SEARCH\s*$")
DIVIDER = re.compile(r"^\s*={5,9}\s*$")
REPLACE = re.compile(r"^\s*>{5,9} ?REPLACE\s*$")


@dataclass(frozen=True)
class Block:
    """One SEARCH/REPLACE block."""

    path: str
    search: str
    replace: str


def parse_blocks(reply: str) -> list[Block] | FormatError:
    """Every block of a reply, in order."""
    lines = reply.splitlines(keepends=True)
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        if not SEARCH.match(lines[index]):
            index += 1
            continue
        path = _path_before(lines, index)
        if not path:
            return FormatError(FormatErrorKind.NO_EDIT_FOUND, "a SEARCH block has no file path")
        search, index = _until(lines, index + 1, DIVIDER)
        replace, index = _until(lines, index + 1, REPLACE)
        if index >= len(lines):
            return FormatError(FormatErrorKind.NO_EDIT_FOUND, f"unterminated block for {path}")
        blocks.append(Block(path, "".join(search), "".join(replace)))
        index += 1
    return blocks


def _path_before(lines: list[str], index: int) -> str | None:
    """The file path written just above a block (a fence's language tag is not one)."""
    for line in reversed(lines[max(0, index - 3) : index]):
        candidate = clean_path(FENCE.sub("", line))
        if looks_like_path(candidate):
            return candidate
    return None


def _until(lines: list[str], index: int, end: re.Pattern[str]) -> tuple[list[str], int]:
    taken = []
    while index < len(lines) and not end.match(lines[index]):
        taken.append(lines[index])
        index += 1
    return taken, index


def _matches(text: str, search: str) -> list[tuple[int, int, str]]:
    """(start, end, indentation to add to REPLACE) of every place `search` matches."""
    exact = [(m.start(), m.end(), "") for m in re.finditer(re.escape(search), text)]
    if exact:
        return exact
    # same lines with a uniform indentation offset and trailing whitespace ignored
    wanted = search.splitlines()
    have = text.splitlines(keepends=True)
    found = []
    for start in range(len(have) - len(wanted) + 1):
        window = have[start : start + len(wanted)]
        offset = _uniform_offset(window, wanted)
        if offset is not None:
            begin = sum(len(line) for line in have[:start])
            found.append((begin, begin + sum(len(line) for line in window), offset))
    return found


def _uniform_offset(window: list[str], wanted: list[str]) -> str | None:
    offset = None
    for got, want in zip(window, wanted, strict=True):
        got, want = got.rstrip(), want.rstrip()
        if not want:
            if got:
                return None
            continue
        if got.lstrip() != want.lstrip():
            return None
        extra = got[: len(got) - len(got.lstrip())]
        base = want[: len(want) - len(want.lstrip())]
        if not extra.endswith(base):
            return None
        this = extra[: len(extra) - len(base)]
        if offset is None:
            offset = this
        elif offset != this:
            return None
    return offset


def _indent(text: str, prefix: str) -> str:
    return "".join(
        prefix + line if line.strip() else line for line in text.splitlines(keepends=True)
    )


def apply_block(text: str, block: Block) -> str | FormatError:
    """The text with one block applied, or why it cannot be."""
    search = block.search
    places = _matches(text, search)
    if not places and search.strip():
        trimmed = search.strip("\n") + ("\n" if search.endswith("\n") else "")
        places = _matches(text, trimmed)
    if not places:
        return FormatError(
            FormatErrorKind.BLOCK_DOES_NOT_MATCH,
            f"the SEARCH text for {block.path} is not in the file",
        )
    if len(places) > 1:
        return FormatError(
            FormatErrorKind.AMBIGUOUS_MATCH,
            f"the SEARCH text for {block.path} matches {len(places)} places",
        )
    start, end, offset = places[0]
    return text[:start] + _indent(block.replace, offset) + text[end:]


def parse_search_replace(reply: str, repo: RepoFiles) -> EditOutcome:
    """Apply every block of a reply to the starting tree and return the resulting diff."""
    blocks = parse_blocks(reply)
    if isinstance(blocks, FormatError):
        return blocks
    if not blocks:
        return FormatError(FormatErrorKind.NO_EDIT_FOUND, "no SEARCH/REPLACE block in the reply")
    edited: dict[str, str] = {}
    for block in blocks:
        current = edited.get(block.path, repo.get(block.path))
        if current is None:
            if block.search.strip():
                return FormatError(
                    FormatErrorKind.FILE_NOT_IN_REPO, f"{block.path} is not in the repository"
                )
            edited[block.path] = block.replace  # an empty SEARCH creates a new file
            continue
        if not block.search.strip():
            edited[block.path] = current + block.replace
            continue
        result = apply_block(current, block)
        if isinstance(result, FormatError):
            return result
        edited[block.path] = result
    diff = render_diff({p: repo[p] for p in edited if p in repo}, edited)
    if not diff:
        return FormatError(FormatErrorKind.NO_EDIT_FOUND, "the blocks change nothing")
    return ParsedEdit(diff)
