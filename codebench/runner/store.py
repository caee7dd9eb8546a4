"""The resumable result store: one JSON file per (task, model, sample), written atomically."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from codebench.errors import ResultStoreError
from codebench.io import write_text_atomic
from codebench.models.trajectory import Trajectory
from codebench.results import CompactResult, ResultRecord, TaskResult, without_details

RESULTS_DIR = "results"
RESULT_GLOB = "*/*/sample-*.json"


@dataclass(frozen=True)
class DamagedResult:
    """A result file that is there but cannot be used, and why."""

    path: Path
    reason: str

    def describe(self) -> str:
        """`path: reason`, for a person."""
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class StoreScan:
    """Every result file of a run: the readable results and the damaged files, in path order."""

    results: tuple[TaskResult, ...]
    damaged: tuple[DamagedResult, ...]


@dataclass(frozen=True)
class RecordScan:
    """Every result file of a run as compact records, and the damaged files, in path order."""

    records: tuple[ResultRecord, ...]
    damaged: tuple[DamagedResult, ...]


class AttemptStore(Protocol):
    """What one attempt reads and writes: its stored result, its new result and trajectories.
    A run's `ResultStore`, or on a Ray worker a recording one whose writes the driver makes."""

    def load(self, task_id: str, model_slug: str, sample: int) -> TaskResult | None:
        """The stored result, or None when absent or unusable."""
        ...

    def save(self, result: TaskResult, model_slug: str) -> Path:
        """Write the attempt's result (raises `ResultStoreError`)."""
        ...

    def save_trajectory(
        self,
        trajectory: Trajectory,
        task_id: str,
        model_slug: str,
        sample: int,
        try_number: int | None = None,
    ) -> Path:
        """Write a trajectory, before the result that names it (raises `ResultStoreError`)."""
        ...


class ResultStore:
    """Results under `RUN_DIR/results/<task>/<model-slug>/sample-<n>.json`.

    A file is either absent or complete: it is written to a temporary name in the same folder,
    flushed to disk, then renamed over the final name, so a run killed at any point (SIGKILL
    included) loses at most the attempts that were in flight.
    """

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.root = run_dir / RESULTS_DIR

    def path(self, task_id: str, model_slug: str, sample: int) -> Path:
        """Where one result lives."""
        return self.root / task_id / model_slug / f"sample-{sample}.json"

    def trajectory_path(
        self, task_id: str, model_slug: str, sample: int, try_number: int | None = None
    ) -> Path:
        """Where one attempt's agent trajectory lives, beside its result: its last try's, or
        with `try_number` that of an earlier try (`--tries`)."""
        name = f"trajectory-{sample}" + (f"-try-{try_number}" if try_number else "")
        return self.root / task_id / model_slug / f"{name}.json"

    def save_trajectory(
        self,
        trajectory: Trajectory,
        task_id: str,
        model_slug: str,
        sample: int,
        try_number: int | None = None,
    ) -> Path:
        """Write an attempt's trajectory atomically (before its result, which names it): its
        last try's, or with `try_number` an earlier try's.

        Raises:
            ResultStoreError: the file cannot be written.
        """
        path = self.trajectory_path(task_id, model_slug, sample, try_number)
        try:
            write_text_atomic(path, trajectory.model_dump_json(indent=1))
        except OSError as exc:
            raise ResultStoreError(f"cannot write trajectory {path}: {exc}") from exc
        return path

    def load_trajectory(
        self, task_id: str, model_slug: str, sample: int, try_number: int | None = None
    ) -> Trajectory | None:
        """The attempt's stored trajectory (with `try_number`, an earlier try's); None when it
        has none or the file is damaged."""
        path = self.trajectory_path(task_id, model_slug, sample, try_number)
        try:
            return Trajectory.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def read(self, path: Path, details: bool = True) -> TaskResult | DamagedResult | None:
        """The result stored at `path`, None when there is no file, else why it is unusable;
        without `details`, as `without_details` leaves it."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return DamagedResult(path, f"cannot be read ({exc.strerror or exc})")
        return _parse(path, data, details)

    def load(self, task_id: str, model_slug: str, sample: int) -> TaskResult | None:
        """The stored result, or None when absent or damaged (it is then recomputed)."""
        found = self.read(self.path(task_id, model_slug, sample))
        return found if isinstance(found, TaskResult) else None

    def damage(self, task_id: str, model_slug: str, sample: int) -> DamagedResult | None:
        """Why the stored file of this attempt is unusable; None when it is absent or fine."""
        found = self.read(self.path(task_id, model_slug, sample))
        return found if isinstance(found, DamagedResult) else None

    def save(self, result: TaskResult, model_slug: str) -> Path:
        """Write a result atomically and durably; return its path.

        Raises:
            ResultStoreError: the file cannot be written (the old one, if any, is kept).
        """
        path = self.path(result.task_id, model_slug, result.sample)
        # a result of one try is written as before tries existed: without the empty list
        text = result.model_dump_json(indent=2, exclude=None if result.tries else {"tries"})
        try:
            write_text_atomic(path, text)
        except OSError as exc:
            raise ResultStoreError(f"cannot write result {path}: {exc}") from exc
        return path

    def scan(self, details: bool = True) -> StoreScan:
        """Read every result file of the run; damaged ones are listed, not dropped.

        Without `details` each result is kept as `without_details` leaves it, as soon as it is
        read: what aggregating (a leaderboard) needs, in a fraction of the memory.
        """
        results, damaged = [], []
        for path in sorted(self.root.glob(RESULT_GLOB)):
            found = self.read(path, details)
            if isinstance(found, TaskResult):
                results.append(found)
            elif found is not None:
                damaged.append(found)
        return StoreScan(tuple(results), tuple(damaged))

    def records(self) -> RecordScan:
        """Every result file of the run as the compact `ResultRecord` aggregates read; damaged
        files are listed with the same reasons as `scan` gives."""
        records: list[ResultRecord] = []
        damaged: list[DamagedResult] = []
        for path in sorted(self.root.glob(RESULT_GLOB)):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue
            except OSError as exc:
                damaged.append(DamagedResult(path, f"cannot be read ({exc.strerror or exc})"))
                continue
            found = _record(path, data)
            if isinstance(found, ResultRecord):
                records.append(found)
            else:
                damaged.append(found)
        return RecordScan(tuple(records), tuple(damaged))

    def __iter__(self) -> Iterator[TaskResult]:
        """Every readable result of the run, in path order (`scan` also lists damaged files)."""
        yield from self.scan().results


def _parse(path: Path, data: bytes, details: bool = True) -> TaskResult | DamagedResult:
    """The result in `data`, validated once; only a file that fails is read again, as plain
    JSON, to say why (cut short, another schema version, or not a result)."""
    try:
        result = TaskResult.model_validate_json(data)
    except ValidationError as exc:
        return _why_damaged(path, data, exc)
    return _misplaced(path, result) or (result if details else without_details(result))


def _record(path: Path, data: bytes) -> ResultRecord | DamagedResult:
    """The record of the result in `data`, validated without its test outcomes; a file that
    fails is validated in full (`_parse`), which says why it is damaged."""
    try:
        compact = CompactResult.model_validate_json(data)
    except ValidationError:
        found = _parse(path, data, details=False)
        return ResultRecord.of(found) if isinstance(found, TaskResult) else found
    return _misplaced(path, compact) or ResultRecord.of(compact)


def _why_damaged(path: Path, data: bytes, exc: ValidationError) -> DamagedResult:
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as bad:
        return DamagedResult(path, f"not valid JSON ({bad}); it was cut short or overwritten")
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if version is not None and version != 1:
        return DamagedResult(path, f"schema version {version!r} (this codebench reads 1)")
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return DamagedResult(
        path,
        f"not a codebench result ({exc.error_count()} problem(s), first: {where}: {first['msg']})",
    )


def _misplaced(path: Path, result: TaskResult) -> DamagedResult | None:
    """A valid result in another attempt's file (copied or moved by hand) would count twice."""
    if path.parent.parent.name == result.task_id and path.name == f"sample-{result.sample}.json":
        return None
    return DamagedResult(
        path,
        f"holds task {result.task_id!r} sample {result.sample}, not the attempt its path names",
    )
