"""The resumable result store: one JSON file per (task, model, sample), written atomically."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from codebench.errors import ResultStoreError
from codebench.io import write_text_atomic
from codebench.results import TaskResult

RESULTS_DIR = "results"


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

    def load(self, task_id: str, model_slug: str, sample: int) -> TaskResult | None:
        """The stored result, or None when absent or unreadable (it is then recomputed)."""
        path = self.path(task_id, model_slug, sample)
        try:
            return TaskResult.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (ValidationError, ValueError, OSError):
            return None  # a result from an older schema or a damaged file: recompute it

    def save(self, result: TaskResult, model_slug: str) -> Path:
        """Write a result atomically and durably; return its path.

        Raises:
            ResultStoreError: the file cannot be written (the old one, if any, is kept).
        """
        path = self.path(result.task_id, model_slug, result.sample)
        try:
            write_text_atomic(path, result.model_dump_json(indent=2))
        except OSError as exc:
            raise ResultStoreError(f"cannot write result {path}: {exc}") from exc
        return path

    def __iter__(self) -> Iterator[TaskResult]:
        """Every readable result of the run, in path order."""
        for path in sorted(self.root.glob("*/*/sample-*.json")):
            try:
                yield TaskResult.model_validate_json(path.read_bytes())
            except (ValidationError, ValueError, OSError):
                continue
