"""The train/validation split: by task, so that no task is in both, and deterministic by
seed (the same tasks and seed give the same split, whatever order they come in)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

TRAIN, VALIDATION = "train", "validation"


def _rank(task_id: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}\0{task_id}".encode()).hexdigest()


def validation_tasks(task_ids: Iterable[str], seed: int, fraction: float) -> frozenset[str]:
    """The tasks of the validation split: the `fraction` of them (rounded, at least one when
    `fraction` > 0 and there are two tasks or more) that rank first by a seeded hash."""
    ids = sorted(set(task_ids), key=lambda task: _rank(task, seed))
    if fraction <= 0 or len(ids) < 2:
        return frozenset()
    count = min(len(ids) - 1, max(1, round(fraction * len(ids))))
    return frozenset(ids[:count])
