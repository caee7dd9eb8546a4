"""Rendering before/after texts as a git-style unified diff."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

NO_NEWLINE = "\\ No newline at end of file"


def render_diff(before: Mapping[str, str], after: Mapping[str, str]) -> str:
    """A git-style unified diff turning `before` into `after` (path -> text).

    A path absent from `before` is a new file. Unchanged paths are left out.
    """
    chunks = []
    for path in sorted(after):
        old, new = before.get(path), after[path]
        if old == new:
            continue
        lines = difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            new.splitlines(keepends=True),
            "/dev/null" if old is None else f"a/{path}",
            f"b/{path}",
        )
        # a last line without a newline gets git's marker, or the diff would be malformed
        body = "".join(line if line.endswith("\n") else f"{line}\n{NO_NEWLINE}\n" for line in lines)
        header = f"diff --git a/{path} b/{path}\n" + (
            "new file mode 100644\n" if old is None else ""
        )
        chunks.append(header + body)
    return "".join(chunks)
