"""What travels between the driver and a Ray worker: a task without its folder, its starting
tree as one archive, and what the attempt wrote, for the driver to write.

A worker may be on another machine: it gets the task's spec, patches and starting tree, never a
path of the driver's. It unpacks the tree once per node into a folder named by its digest and
checks the digest, so a damaged transfer is never graded; the node's cache of trees is pruned
to the most recently used (`trees`).
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from codebench.errors import SandboxError
from codebench.models.trajectory import Trajectory
from codebench.results import Status, TaskResult
from codebench.runner.cluster import trees
from codebench.runner.store import AttemptStore
from codebench.sandbox.checkout import tar_of
from codebench.sandbox.engine import STATE_DIR
from codebench.tasks import Task, TaskSpec
from codebench.tasks.tree import executable_paths, iter_tree, tree_digest

TREES_DIR = "cluster-trees"  # under the node's state dir (~/.cache/codebench)


@dataclass(frozen=True)
class PackedTree:
    """A starting tree as a gzipped tar, and the digest (`tree_digest`) it must unpack to."""

    digest: str
    archive: bytes

    @classmethod
    def of(cls, repo_dir: Path) -> PackedTree:
        """Pack `repo_dir` (raises OSError when a file cannot be read)."""
        files = dict(iter_tree(repo_dir))
        archive = tar_of(files, os.getuid(), compressed=True, executable=executable_paths(repo_dir))
        return cls(tree_digest(repo_dir), archive)


@dataclass(frozen=True)
class TaskBundle:
    """A task as a worker rebuilds it: everything but the folder on the driver's disk."""

    spec: TaskSpec
    task_dir: str  # the driver's, for messages only
    gold_patch: str
    tests_patch: str
    content_hash: str
    tree_digest: str

    @classmethod
    def of(cls, task: Task, tree: PackedTree) -> TaskBundle:
        """The bundle of `task`, whose starting tree `tree` is."""
        return cls(
            task.spec, str(task.task_dir), task.gold_patch, task.tests_patch,
            task.content_hash, tree.digest,
        )  # fmt: skip

    @contextmanager
    def on_node(self, tree: PackedTree, root: Path | None = None) -> Iterator[Task]:
        """The task for the block, its tree unpacked under `root` (default: this node's
        cache) and never pruned meanwhile; unpacking a new tree prunes the cache.

        Raises:
            SandboxError: the tree or the rebuilt task does not match what the driver sent,
                or the cache cannot be used.
        """
        with held_tree(tree, root or STATE_DIR / TREES_DIR) as repo_dir:
            yield self._rebuilt(repo_dir)

    def _rebuilt(self, repo_dir: Path) -> Task:
        task = Task(self.spec, Path(self.task_dir), repo_dir, self.gold_patch, self.tests_patch)
        if task.content_hash != self.content_hash:
            raise SandboxError(
                f"task {self.spec.id!r} rebuilt on this node hashes {task.content_hash[:12]}, "
                f"not {self.content_hash[:12]} as on the driver: the transfer was damaged"
            )
        return task


@contextmanager
def held_tree(tree: PackedTree, root: Path, keep: int = trees.TREES_KEPT) -> Iterator[Path]:
    """`root/<digest>` for the block, unpacked unless it is there already, marked as just
    used and never pruned meanwhile; after unpacking a new tree, the cache is pruned to the
    `keep` most recently used (and those in use).

    Raises:
        SandboxError: as `unpack`, or the tree's lock cannot be taken.
    """
    with trees.using(root, tree.digest) as final:
        new = not final.is_dir()
        repo_dir = unpack(tree, root)
        trees.touch(repo_dir)
        if new:
            trees.prune(root, keep)
        yield repo_dir


def unpack(tree: PackedTree, root: Path) -> Path:
    """`root/<digest>`, unpacked from `tree` unless it is there already (another attempt of
    the node's made it): unpacked beside it, checked, then renamed into place. The caller
    holds the digest's lock (`trees.using`), or the tree may be pruned under it.

    Raises:
        SandboxError: the digest is malformed; the archive is damaged, unsafe, or unpacks to
            another digest.
    """
    trees.check_digest(tree.digest)
    final = root / tree.digest
    if final.is_dir():
        return final
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=trees.staging_prefix(tree.digest), dir=root))
    try:
        with tarfile.open(fileobj=io.BytesIO(tree.archive), mode="r:gz") as archive:
            archive.extractall(staging, filter="data")  # no links out, no absolute paths
        found = tree_digest(staging)
        if found != tree.digest:
            raise SandboxError(f"a starting tree unpacked to {found[:12]}, not {tree.digest[:12]}")
        try:
            staging.rename(final)
        except OSError:  # another worker of this node was first: its copy is the same
            if not final.is_dir():
                raise
    except (OSError, tarfile.TarError) as exc:
        raise SandboxError(f"cannot unpack a starting tree under {root}: {exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return final


@dataclass(frozen=True)
class SavedTrajectory:
    """A trajectory an attempt wrote, and the try it was of (None: the last)."""

    trajectory: Trajectory
    try_number: int | None = None


@dataclass(frozen=True)
class AttemptReport:
    """What a worker's attempt produced: its result, whether it was the stored one, and what
    it wrote, in order, for the driver to write to the run's store."""

    result: TaskResult
    reused: bool
    saved: TaskResult | None = None  # the result to write (None: the stored one stands)
    trajectories: tuple[SavedTrajectory, ...] = ()
    node: str = ""  # the host
    node_id: str = ""  # the Ray node's id ("": unknown)

    def write(self, store: AttemptStore, model_slug: str) -> None:
        """Write the attempt's files as the local pool would have: trajectories first (the
        result names them), then the result (raises `ResultStoreError`)."""
        for saved in self.trajectories:
            result = self.result
            store.save_trajectory(
                saved.trajectory, result.task_id, model_slug, result.sample, saved.try_number
            )
        if self.saved is not None:
            store.save(self.saved, model_slug)


@dataclass(frozen=True)
class AttemptFailure:
    """An attempt a worker could not make (no usable engine, a model that cannot be built):
    the driver records it as a result with this status and reason."""

    status: Status
    reason: str
    node: str = ""  # the host
    node_id: str = ""  # the Ray node's id ("": unknown)


@dataclass
class RecordingStore:
    """The store an attempt sees on a worker: the stored result the driver read, and every
    write kept for the driver to make."""

    stored: TaskResult | None
    saved: TaskResult | None = None
    trajectories: list[SavedTrajectory] = field(default_factory=list)

    def load(self, task_id: str, model_slug: str, sample: int) -> TaskResult | None:
        """The stored result the driver sent, if it is this attempt's."""
        stored = self.stored
        if stored is None or (stored.task_id, stored.sample) != (task_id, sample):
            return None
        return stored

    def save(self, result: TaskResult, model_slug: str) -> Path:
        """Keep the result for the driver."""
        self.saved = result
        return Path(model_slug)

    def save_trajectory(
        self,
        trajectory: Trajectory,
        task_id: str,
        model_slug: str,
        sample: int,
        try_number: int | None = None,
    ) -> Path:
        """Keep the trajectory for the driver."""
        self.trajectories.append(SavedTrajectory(trajectory, try_number))
        return Path(model_slug)
