"""A manifest of the whole working tree, as the filesystem has it (not git's view).

`.gitignore` and `.gitattributes` bend what git reports as changed, so the apply chain takes a
manifest before and after the patch and the difference is what the patch really changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# A shell function printing one record per non-directory entry under `.` except `.git`:
# type, octal mode, link target and path, NUL-separated (names may hold newlines), then a
# separator record, then `sha256sum -z` lines for the regular files.
MANIFEST_FUNCTION = r"""
manifest() {
  find . -path ./.git -prune -o ! -type d -printf '%y\0%m\0%l\0%p\0'
  printf '\0HASHES\0'
  find . -path ./.git -prune -o -type f -exec sha256sum -z -- {} +
}
"""


@dataclass(frozen=True)
class Entry:
    """One file, symlink or special file of the tree."""

    kind: str  # find's %y: f (file), l (symlink), p (fifo), s (socket), ...
    mode: str  # octal permission bits
    target: str  # a symlink's target, else ""
    digest: str  # sha256 of a regular file's content, else ""


Manifest = Mapping[str, Entry]


def parse_manifest(output: str) -> dict[str, Entry]:
    """Read what `manifest` printed into path -> entry (paths relative, without `./`)."""
    listing, _, hashes = output.partition("\0\0HASHES\0")
    fields = listing.split("\0")
    entries: dict[str, tuple[str, str, str]] = {}
    for start in range(0, len(fields) - 3, 4):
        kind, mode, target, path = fields[start : start + 4]
        entries[path.removeprefix("./")] = (kind, mode, target)
    digests = {}
    for record in hashes.split("\0"):
        digest, sep, path = record.partition("  ")
        if sep:
            digests[path.removeprefix("./")] = digest
    return {
        path: Entry(kind, mode, target, digests.get(path, ""))
        for path, (kind, mode, target) in entries.items()
    }


def changed_paths(before: Manifest, after: Manifest) -> tuple[str, ...]:
    """Every path added, removed or changed in kind, mode, link target or content, sorted."""
    return tuple(sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)))
