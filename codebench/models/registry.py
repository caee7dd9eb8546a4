"""Choosing models by spec string.

Grammar: `KIND` or `KIND:ARGUMENT`, where KIND names a model family and ARGUMENT (everything
after the first colon) is that family's own parameter:

- reference models: `gold`, `noop`, `partial`, `gold+reformat`, `gold+rename`, `gold+style`;
- `openai:<model name>`: any OpenAI-compatible endpoint (`--base-url` or `OPENAI_BASE_URL`);
- `replay:<predictions file>`: patches from a SWE-bench-style predictions file.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from codebench.errors import ConfigError
from codebench.models.base import Model
from codebench.models.cache import ResponseCache
from codebench.models.config import BenchConfig, Scaffold, load_config
from codebench.models.formats import EditFormat
from codebench.models.perturb import PERTURBATIONS, PartialGoldModel, PerturbedGoldModel
from codebench.models.reference import GoldModel, NoopModel

REFERENCE_KINDS = ("gold", "noop", "partial", *PERTURBATIONS)
ARGUMENT_KINDS = ("openai", "replay")
DEFAULT_MODEL_CALLS = 4


@dataclass(frozen=True)
class ModelOptions:
    """What models besides the reference ones need: configuration, endpoint, cache, limit."""

    config: BenchConfig = field(default_factory=BenchConfig)
    base_url: str | None = None
    edit_format: EditFormat | None = None  # overrides the configuration's, for every model
    scaffold: Scaffold | None = None  # overrides the configuration's, for every `openai:` model
    cache: ResponseCache | None = None
    model_calls: int = DEFAULT_MODEL_CALLS  # provider calls at once, apart from sandboxes

    @classmethod
    def load(
        cls,
        config_file: Path | None,
        *,
        other_tables: Collection[str] = (),
        base_url: str | None = None,
        edit_format: EditFormat | None = None,
        scaffold: Scaffold | None = None,
        read_cache: bool = True,
        model_calls: int = DEFAULT_MODEL_CALLS,
    ) -> ModelOptions:
        """Options from a configuration file (None: ./codebench.toml when there is one).

        `other_tables` are top-level tables of that file that other commands own. Raises
        `ConfigError` naming the file and every bad key.
        """
        return cls(
            config=load_config(config_file, other_tables),
            base_url=base_url,
            edit_format=edit_format,
            scaffold=scaffold,
            cache=ResponseCache(read=read_cache),
            model_calls=model_calls,
        )

    @cached_property
    def limiter(self) -> threading.Semaphore:
        """The one limit every model of a run shares on concurrent provider calls."""
        return threading.Semaphore(self.model_calls)


def parse_spec(spec: str) -> tuple[str, str | None]:
    """Split a model spec into (kind, argument)."""
    kind, colon, argument = spec.strip().partition(":")
    if not kind:
        raise ConfigError(f"model spec {spec!r} is empty; try --model gold")
    if colon and not argument:
        raise ConfigError(f"model spec {spec!r} has nothing after ':'")
    return kind, argument if colon else None


def get_model(
    spec: str, gold_patches: Mapping[str, str], options: ModelOptions | None = None
) -> Model:
    """The model a spec names. `gold_patches` (task id -> gold patch) serves the gold-based
    reference models."""
    kind, argument = parse_spec(spec)
    if kind in REFERENCE_KINDS:
        if argument is not None:
            raise ConfigError(f"model {kind!r} takes no argument (got {spec!r})")
        return _reference(kind, gold_patches)
    options = options or ModelOptions()
    if kind == "openai" and argument:
        from codebench.models.openai_model import OpenAIModel

        config = options.config.model(spec)
        if options.edit_format is not None:
            config = config.model_copy(update={"edit_format": options.edit_format})
        if options.scaffold is not None:
            config = config.model_copy(update={"scaffold": options.scaffold})
        price = options.config.price(argument)
        model = OpenAIModel(
            spec, argument, config, price, options.cache, options.limiter, options.base_url
        )
        if config.scaffold is Scaffold.AGENT:
            from codebench.models.agent.scaffold import AgentModel

            return AgentModel(model)
        return model
    if kind == "replay" and argument:
        from codebench.models.replay import ReplayModel

        return ReplayModel(spec, Path(argument))
    known = ", ".join([*REFERENCE_KINDS, *(f"{k}:..." for k in ARGUMENT_KINDS)])
    raise ConfigError(f"unknown model spec {spec!r}; known: {known}")


def _reference(kind: str, gold_patches: Mapping[str, str]) -> Model:
    if kind == "gold":
        return GoldModel(gold_patches)
    if kind == "noop":
        return NoopModel()
    if kind == "partial":
        return PartialGoldModel(gold_patches)
    return PerturbedGoldModel(kind, gold_patches, PERTURBATIONS[kind])


__all__ = ["ModelOptions", "get_model", "parse_spec"]
