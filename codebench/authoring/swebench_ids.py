"""Task ids for SWE-bench instance ids (`astropy__astropy-12907` -> `astropy-astropy-12907`),
and where an instance's repository is cloned."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from codebench.tasks.schema import TASK_ID_PATTERN

MAX_ID = 64
HASH_DIGITS = 8


def plain_task_id(instance_id: str) -> str:
    """Lowercase, every run of characters other than [a-z0-9] a single `-`, no `-` at either
    end (the id may still be too short or too long)."""
    return re.sub(r"[^a-z0-9]+", "-", instance_id.lower()).strip("-")


def task_ids(instance_ids: Iterable[str]) -> dict[str, str | None]:
    """Each instance id's task id: `plain_task_id`, unless that is longer than 64 characters
    or shared with another instance id of the same file; then cut to fit a `-<8 hex digits>`
    suffix from the instance id's sha256. None when no valid id comes out (too short).

    The ids depend on the whole file only, not on which instances one run imports."""
    wanted = list(dict.fromkeys(instance_ids))
    shared = Counter(plain_task_id(i) for i in wanted)
    found: dict[str, str | None] = {}
    for instance_id in wanted:
        plain = plain_task_id(instance_id)
        if len(plain) > MAX_ID or shared[plain] > 1:
            digest = hashlib.sha256(instance_id.encode()).hexdigest()[:HASH_DIGITS]
            plain = f"{plain[: MAX_ID - HASH_DIGITS - 1].rstrip('-')}-{digest}".lstrip("-")
        found[instance_id] = plain if re.fullmatch(TASK_ID_PATTERN, plain) else None
    return found


def clone_candidates(repos_dir: Path, repo: str) -> list[Path]:
    """Where the clone of `owner/name` may be, in the order tried: `DIR/owner__name`,
    `DIR/name`, `DIR/owner/name`."""
    owner, name = repo.split("/", 1)
    return [repos_dir / f"{owner}__{name}", repos_dir / name, repos_dir / owner / name]


def find_clone(repos_dir: Path, repo: str) -> Path | None:
    """The first of `clone_candidates` that is a folder; None when none is."""
    return next((path for path in clone_candidates(repos_dir, repo) if path.is_dir()), None)
