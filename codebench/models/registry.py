"""Choosing models by spec string: `gold`, `noop`, `partial`, `gold+reformat`, `gold+rename`,
`gold+style`; later `openai:<name>`, `replay:<file>`.

Grammar: `KIND` or `KIND:ARGUMENT`, where KIND names a model family and ARGUMENT (everything
after the first colon) is that family's own parameter: a model name, a file path.
"""

from __future__ import annotations

from collections.abc import Mapping

from codebench.errors import ConfigError
from codebench.models.base import Model
from codebench.models.perturb import PERTURBATIONS, PartialGoldModel, PerturbedGoldModel
from codebench.models.reference import GoldModel, NoopModel

REFERENCE_KINDS = ("gold", "noop", "partial", *PERTURBATIONS)
PLANNED_KINDS = ("openai", "replay")


def parse_spec(spec: str) -> tuple[str, str | None]:
    """Split a model spec into (kind, argument)."""
    kind, colon, argument = spec.strip().partition(":")
    if not kind:
        raise ConfigError(f"model spec {spec!r} is empty; try --model gold")
    if colon and not argument:
        raise ConfigError(f"model spec {spec!r} has nothing after ':'")
    return kind, argument if colon else None


def get_model(spec: str, gold_patches: Mapping[str, str]) -> Model:
    """The model a spec names. `gold_patches` (task id -> gold patch) serves the `gold` model."""
    kind, argument = parse_spec(spec)
    if kind in REFERENCE_KINDS and argument is not None:
        raise ConfigError(f"model {kind!r} takes no argument (got {spec!r})")
    if kind == "gold":
        return GoldModel(gold_patches)
    if kind == "noop":
        return NoopModel()
    if kind == "partial":
        return PartialGoldModel(gold_patches)
    if kind in PERTURBATIONS:
        return PerturbedGoldModel(kind, gold_patches, PERTURBATIONS[kind])
    if kind in PLANNED_KINDS:
        raise ConfigError(f"model kind {kind!r} ({spec!r}) is not available in this version yet")
    known = ", ".join([*REFERENCE_KINDS, *(f"{k}:..." for k in PLANNED_KINDS)])
    raise ConfigError(f"unknown model spec {spec!r}; known: {known}")
