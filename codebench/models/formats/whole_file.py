"""Whole files: a path line followed by a fenced block holding the file's complete new text."""

from __future__ import annotations

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


def parse_files(reply: str) -> dict[str, str]:
    """path -> text of every fenced block preceded by a path (or naming one in its info string)."""
    lines = reply.splitlines(keepends=True)
    files: dict[str, str] = {}
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        info = lines[index][fence.end() :].strip().split()
        named = [word for word in info if looks_like_path(word)]
        above = clean_path(lines[index - 1]) if index else ""
        path = named[0] if named else above
        body = []
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(fence.group(1)):
            body.append(lines[index])
            index += 1
        index += 1
        if looks_like_path(path):
            files[path] = "".join(body)
    return files


def parse_whole_file(reply: str, repo: RepoFiles) -> EditOutcome:
    """The diff from the starting tree to the files the reply gives in full."""
    files = parse_files(reply)
    if not files:
        return FormatError(FormatErrorKind.NO_EDIT_FOUND, "no file path followed by a code block")
    diff = render_diff({p: repo[p] for p in files if p in repo}, files)
    if not diff:
        return FormatError(FormatErrorKind.NO_EDIT_FOUND, "the files are unchanged")
    return ParsedEdit(diff)
