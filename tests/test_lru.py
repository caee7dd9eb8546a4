"""The one home of bounded caches: which entries of an on-disk cache fall past its bound."""

from __future__ import annotations

import os
from pathlib import Path

from codebench.lru import past_bound


def test_the_least_recently_used_files_fall_past_the_bound(tmp_path: Path) -> None:
    paths = []
    for used_at, name in enumerate("cab", start=1):
        path = tmp_path / name
        path.write_text(name)
        os.utime(path, (used_at, used_at))
        paths.append(path)
    assert past_bound(paths, 2) == [tmp_path / "c"]
    assert past_bound(paths, 5) == []
    assert past_bound(paths, -1) == past_bound(paths, 0) == [tmp_path / n for n in "bac"]


def test_a_file_that_vanished_counts_as_the_oldest(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.write_text("x")
    assert past_bound([tmp_path / "gone", kept], 1) == [tmp_path / "gone"]
