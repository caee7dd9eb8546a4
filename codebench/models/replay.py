"""`replay:<file>`: score patches produced anywhere, from a SWE-bench predictions file
(`instance_id`, `model_name_or_path`, `model_patch`; a JSON list or JSON lines)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from codebench.errors import ConfigError, ModelError
from codebench.models.base import Model, Proposal, TaskView


class Prediction(BaseModel):
    """One line of a predictions file."""

    model_config = ConfigDict(extra="allow", frozen=True)

    instance_id: str
    model_name_or_path: str = ""
    model_patch: str | None = None


def load_predictions(path: Path) -> dict[str, Prediction]:
    """instance_id -> prediction; an error names the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the predictions file: {exc}") from exc
    stripped = text.lstrip()
    try:
        rows = (
            json.loads(text)
            if stripped.startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not a JSON list or JSON lines: {exc}") from exc
    predictions: dict[str, Prediction] = {}
    for number, row in enumerate(rows, start=1):
        try:
            prediction = Prediction.model_validate(row)
        except ValidationError as exc:
            raise ConfigError(f"{path}: entry {number}: {exc.errors()[0]['msg']}") from exc
        predictions[prediction.instance_id] = prediction
    return predictions


class ReplayModel(Model):
    """Proposes the patch a predictions file holds for each task id."""

    def __init__(self, spec: str, path: Path) -> None:
        self.spec = spec
        self.predictions = load_predictions(path)

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """The recorded patch; a task the file lacks is a model error."""
        prediction = self.predictions.get(view.task_id)
        if prediction is None:
            raise ModelError(f"{self.spec}: no prediction for {view.task_id}")
        return Proposal(patch=prediction.model_patch or "")
