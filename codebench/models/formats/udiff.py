"""Unified diffs in replies: bare or inside ```diff fences, with hunk counts recounted."""

from __future__ import annotations

import re

from codebench.models.formats.common import (
    FENCE,
    EditOutcome,
    FormatError,
    FormatErrorKind,
    ParsedEdit,
    RepoFiles,
)
from codebench.patching import PatchRejection, parse_patch

HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$")


def _fenced_blocks(reply: str) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    inside = False
    for line in reply.splitlines(keepends=True):
        if FENCE.match(line):
            if inside:
                blocks.append("".join(current))
                current = []
            inside = not inside
            continue
        if inside:
            current.append(line)
    return blocks


def extract_diff(reply: str) -> str:
    """The diff text of a reply: its fenced blocks that look like diffs, else from the first
    `diff --git` or `--- ` line on."""
    looks_like_diff = [b for b in _fenced_blocks(reply) if re.search(r"^(---|\+\+\+|@@) ", b, re.M)]
    if looks_like_diff:
        return "".join(b if b.endswith("\n") else b + "\n" for b in looks_like_diff)
    match = re.search(r"^(diff --git |--- )", reply, re.M)
    return reply[match.start() :] if match else ""


def recount_hunks(diff: str) -> str:
    """Rewrite every hunk header's line counts from the hunk's body (models miscount them)."""
    lines = diff.splitlines(keepends=True)
    out: list[str] = []
    index = 0
    while index < len(lines):
        header = HUNK.match(lines[index].rstrip("\n"))
        if not header:
            out.append(lines[index])
            index += 1
            continue
        body = []
        index += 1
        while index < len(lines) and not lines[index].startswith(("@@", "--- ", "diff --git")):
            line = lines[index] if lines[index].strip() else " \n"  # a stray blank context line
            body.append(line)
            index += 1
        while body and body[-1] == " \n":
            body.pop()  # trailing blank lines after the hunk are not part of it
        old = sum(1 for b in body if b[:1] in (" ", "-"))
        new = sum(1 for b in body if b[:1] in (" ", "+"))
        start_old, start_new = int(header.group(1)), int(header.group(2))
        out.append(f"@@ -{start_old},{old} +{start_new},{new} @@{header.group(3)}\n")
        out.extend(body)
    return "".join(out)


def parse_udiff(reply: str, repo: RepoFiles) -> EditOutcome:
    """A unified diff from a reply, validated against the repository's files."""
    diff = extract_diff(reply)
    if not diff.strip():
        return FormatError(FormatErrorKind.NO_EDIT_FOUND, "no unified diff in the reply")
    diff = recount_hunks(diff)
    parsed = parse_patch(diff)
    if isinstance(parsed, PatchRejection):
        return FormatError(FormatErrorKind.INVALID_DIFF, parsed.reason)
    for change in parsed.files:
        if change.source_path is not None and change.source_path not in repo:
            return FormatError(
                FormatErrorKind.FILE_NOT_IN_REPO, f"{change.source_path} is not in the repository"
            )
    return ParsedEdit(diff)
