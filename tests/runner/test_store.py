"""The result store writes through the shared atomic write and names the file when it fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codebench.errors import ResultStoreError
from codebench.results import Status
from codebench.runner import ResultStore
from codebench.tasks import Scope
from tests.conftest import result


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    row = result("t-1", Scope.LOCAL, "m", Status.RESOLVED)
    path = store.save(row, "m")
    assert store.load("t-1", "m", 0) == row
    assert sorted(p.name for p in path.parent.iterdir()) == ["sample-0.json"]


def test_a_failed_save_is_a_store_error_and_keeps_the_old_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ResultStore(tmp_path)
    old = result("t-1", Scope.LOCAL, "m", Status.UNRESOLVED)
    path = store.save(old, "m")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ResultStoreError, match=r"sample-0\.json.*No space"):
        store.save(result("t-1", Scope.LOCAL, "m", Status.RESOLVED), "m")
    assert store.load("t-1", "m", 0) == old
    assert sorted(p.name for p in path.parent.iterdir()) == ["sample-0.json"]
