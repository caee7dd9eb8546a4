"""What travels to a Ray worker: a starting tree packed, unpacked and checked; a task rebuilt
from its bundle; an attempt's writes kept and replayed onto the run's store."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from codebench.errors import SandboxError
from codebench.models.trajectory import EndReason, Trajectory
from codebench.results import Status
from codebench.runner import ResultStore
from codebench.runner.cluster.shipping import (
    AttemptReport,
    PackedTree,
    RecordingStore,
    SavedTrajectory,
    TaskBundle,
    unpack,
)
from codebench.tasks import Scope, Task
from codebench.tasks.tree import tree_digest
from tests.conftest import result

TRAJECTORY = Trajectory(system="s", user="u", ended_by=EndReason.SUBMITTED)


def _tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("def f():\n    return 1\n")
    script = root / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o755)
    return root


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_a_tree_unpacks_to_the_same_digest_with_its_executable_bit(tmp_path: Path) -> None:
    source = _tree(tmp_path / "src")
    packed = PackedTree.of(source)
    unpacked = unpack(packed, tmp_path / "cache")
    assert unpacked == tmp_path / "cache" / packed.digest
    assert tree_digest(unpacked) == tree_digest(source) == packed.digest
    assert os.stat(unpacked / "run.sh").st_mode & 0o100
    assert (unpacked / "pkg" / "mod.py").read_text() == "def f():\n    return 1\n"
    (unpacked / "marker").write_text("kept")  # a second attempt of the node reuses the folder
    assert unpack(packed, tmp_path / "cache") == unpacked
    assert (unpacked / "marker").exists()


def test_an_archive_that_does_not_match_its_digest_is_refused(tmp_path: Path) -> None:
    packed = PackedTree.of(_tree(tmp_path / "src"))
    changed = _tree(tmp_path / "other")
    (changed / "pkg" / "mod.py").write_text("def f():\n    return 2\n")
    forged = PackedTree(packed.digest, PackedTree.of(changed).archive)
    with pytest.raises(SandboxError, match="unpacked to"):
        unpack(forged, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []  # neither the tree nor its staging


@pytest.mark.parametrize(
    "members",
    [{"../escaped.py": b"x = 1\n"}, {"/abs/escaped.py": b"x = 1\n"}],
    ids=["parent", "absolute"],
)
def test_an_archive_reaching_out_of_its_folder_is_refused(
    tmp_path: Path, members: dict[str, bytes]
) -> None:
    cache = tmp_path / "deep" / "cache"
    # refused by the extraction filter, or (an absolute path made relative) by the digest
    with pytest.raises(SandboxError, match=r"cannot unpack|unpacked to"):
        unpack(PackedTree("0" * 64, _tar(members)), cache)
    assert not (tmp_path / "deep" / "escaped.py").exists()
    assert not Path("/abs/escaped.py").exists()


def test_garbage_bytes_are_a_sandbox_error(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="cannot unpack"):
        unpack(PackedTree("0" * 64, b"not a tar at all"), tmp_path / "cache")


def test_a_task_rebuilt_on_a_node_has_the_drivers_content_hash(
    mini_tasks: dict[str, Task], tmp_path: Path
) -> None:
    task = mini_tasks["mini-div-zero"]
    packed = PackedTree.of(task.repo_dir)
    bundle = TaskBundle.of(task, packed)
    with bundle.on_node(packed, tmp_path / "cache") as rebuilt:
        assert rebuilt.content_hash == task.content_hash
        assert rebuilt.repo_dir != task.repo_dir and rebuilt.task_dir == task.task_dir
    tampered = TaskBundle(**{**vars(bundle), "gold_patch": bundle.gold_patch + "\n"})
    with (
        pytest.raises(SandboxError, match="transfer was damaged"),
        tampered.on_node(packed, tmp_path / "cache"),
    ):
        pass


def test_the_recording_store_gives_only_this_attempts_stored_result() -> None:
    stored = result("t1", Scope.LOCAL, "gold", Status.RESOLVED, sample=1)
    store = RecordingStore(stored)
    assert store.load("t1", "gold", 1) is stored
    assert store.load("t1", "gold", 0) is None
    assert store.load("t2", "gold", 1) is None
    assert RecordingStore(None).load("t1", "gold", 1) is None


def test_a_report_writes_trajectories_then_its_result(tmp_path: Path) -> None:
    done = result("t1", Scope.LOCAL, "gold", Status.RESOLVED)
    recording = RecordingStore(None)
    recording.save_trajectory(TRAJECTORY, "t1", "gold", 0, 1)
    recording.save_trajectory(TRAJECTORY, "t1", "gold", 0)
    recording.save(done, "gold")
    report = AttemptReport(done, False, recording.saved, tuple(recording.trajectories))
    store = ResultStore(tmp_path)
    report.write(store, "gold")
    assert store.load("t1", "gold", 0) == done
    assert store.load_trajectory("t1", "gold", 0, 1) is not None
    assert store.load_trajectory("t1", "gold", 0) is not None
    assert report.trajectories == (SavedTrajectory(TRAJECTORY, 1), SavedTrajectory(TRAJECTORY))


def test_a_reused_report_writes_nothing(tmp_path: Path) -> None:
    AttemptReport(result("t1", Scope.LOCAL, "gold", Status.RESOLVED), True).write(
        ResultStore(tmp_path), "gold"
    )
    assert not (tmp_path / "results").exists()
