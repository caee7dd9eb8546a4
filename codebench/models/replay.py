"""`replay:<file>`: score patches produced anywhere, from a SWE-bench predictions file
(`instance_id`, `model_name_or_path`, `model_patch`; a JSON list or JSON lines)."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from codebench.errors import ConfigError, NotSubmittedError
from codebench.io import read_text
from codebench.models.base import Model, Proposal, TaskView


class Prediction(BaseModel):
    """One line of a predictions file."""

    model_config = ConfigDict(extra="allow", frozen=True)

    instance_id: str
    model_name_or_path: str = ""
    model_patch: str | None = None


# (where in the file, e.g. "line 3" or "entry 2"; the parsed JSON value)
Row = tuple[str, object]


def load_predictions(path: Path) -> dict[str, Prediction]:
    """instance_id -> prediction, from a JSON list or JSON lines (blank lines skipped).

    Raises:
        ConfigError: naming the file and the line (the entry, in a JSON list) when the file
            cannot be read or is not UTF-8 (with the byte offset), a line is not JSON or not a
            prediction, or two predictions share an `instance_id` (both places named).
    """
    text = read_text(path)
    rows = _list_rows(path, text) if text.lstrip().startswith("[") else _line_rows(path, text)
    predictions: dict[str, Prediction] = {}
    places: dict[str, str] = {}
    for place, row in rows:
        prediction = _prediction(path, place, row)
        first = places.setdefault(prediction.instance_id, place)
        if first != place:
            raise ConfigError(
                f"{path}: {place}: instance_id {prediction.instance_id!r} was already on "
                f"{first}; keep one prediction per task"
            )
        predictions[prediction.instance_id] = prediction
    return predictions


def _list_rows(path: Path, text: str) -> list[Row]:
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not a JSON list: {exc}") from exc
    if not isinstance(rows, list):
        raise ConfigError(f"{path}: not a JSON list or JSON lines")
    return [(f"entry {number}", row) for number, row in enumerate(rows, start=1)]


def _line_rows(path: Path, text: str) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path}: line {number} is not JSON: {exc.msg} (column {exc.colno}); "
                "a JSON-lines file holds one JSON object per line"
            ) from exc
    return rows


def _prediction(path: Path, place: str, row: object) -> Prediction:
    try:
        return Prediction.model_validate(row)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise ConfigError(f"{path}: {place}: {field or 'entry'}: {error['msg']}") from exc


class ReplayModel(Model):
    """Proposes the patch a predictions file holds for each task id."""

    def __init__(self, spec: str, path: Path) -> None:
        """Raises `ConfigError` as `load_predictions`."""
        self.spec = spec
        self.path = path
        self.predictions = load_predictions(path)

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """The recorded patch.

        Raises:
            NotSubmittedError: the file has no prediction for the task (it was never asked).
        """
        prediction = self.predictions.get(view.task_id)
        if prediction is None:
            raise NotSubmittedError(
                f"{self.spec}: {self.path} has no prediction for {view.task_id}"
            )
        return Proposal(patch=prediction.model_patch or "")

    def unknown_ids(self, task_ids: Collection[str]) -> tuple[str, ...]:
        """The file's instance ids that name none of `task_ids`, sorted."""
        return tuple(sorted(set(self.predictions) - set(task_ids)))
