"""Choosing models by spec string.

Grammar: `KIND` or `KIND:ARGUMENT`, where KIND names a model family and ARGUMENT (everything
after the first colon) is that family's own parameter:

- reference models: `gold`, `noop`, `partial`, `gold+reformat`, `gold+rename`, `gold+style`;
- `openai:<model name>`: any OpenAI-compatible endpoint (`--base-url` or `OPENAI_BASE_URL`);
- `replay:<predictions file>`: patches from a SWE-bench-style predictions file;
- a model the user brings (`codebench.models.plugins`): a spec whose `codebench.toml` table has
  `import_path = "package.module:factory"`, else an entry point in group `codebench.models` named
  after the spec's KIND. Those two come after the kinds above, in that order.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from codebench.errors import ConfigError
from codebench.models.base import CallLimiter, Model
from codebench.models.cache import ResponseCache
from codebench.models.config import CONFIG_FILE, BenchConfig, ModelConfig, Scaffold, load_config
from codebench.models.formats import EditFormat
from codebench.models.reference import GoldModel, NoopModel

# the gold patch perturbed (`codebench.models.perturb.PERTURBATIONS`, imported only when one is
# asked for: it loads the analyzer, which `codebench --help` and most commands never need)
PERTURBATION_KINDS = ("gold+reformat", "gold+rename", "gold+style")
REFERENCE_KINDS = ("gold", "noop", "partial", *PERTURBATION_KINDS)
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
    config_file: Path = Path(CONFIG_FILE)  # where `config` came from, for messages
    # replaces the process's own limit (a Ray cluster's, shared by every node)
    call_limiter: CallLimiter | None = None

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
            config_file=config_file or Path(CONFIG_FILE),
        )

    def model_config(self, spec: str) -> ModelConfig:
        """The settings of `spec`, with the run's `edit_format` and `scaffold` overrides."""
        config = self.config.model(spec)
        if self.edit_format is not None:
            config = config.model_copy(update={"edit_format": self.edit_format})
        if self.scaffold is not None:
            config = config.model_copy(update={"scaffold": self.scaffold})
        return config

    @cached_property
    def limiter(self) -> CallLimiter:
        """The one limit every model of a run shares on concurrent provider calls."""
        if self.call_limiter is not None:
            return self.call_limiter
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
    reference models.

    Raises:
        ConfigError: the spec is malformed or names no model (the message lists the known kinds,
            the configured and the installed ones), or a model the user brings cannot be built
            (see `codebench.models.plugins`).
    """
    kind, argument = parse_spec(spec)
    options = options or ModelOptions()
    builtin = kind in REFERENCE_KINDS or (kind in ARGUMENT_KINDS and argument is not None)
    if builtin and options.config.model(spec).import_path is not None:
        raise ConfigError(
            f'{options.config_file} [models."{spec}"] import_path: {spec!r} is a built-in model '
            "and cannot be replaced; give your model a table of its own name, e.g. "
            f'[models."my-{kind}"], and run --model my-{kind}'
        )
    if kind in REFERENCE_KINDS:
        if argument is not None:
            raise ConfigError(f"model {kind!r} takes no argument (got {spec!r})")
        return _reference(kind, gold_patches)
    if kind == "openai" and argument:
        from codebench.models.openai_model import OpenAIModel
        from codebench.models.prompt import check_templates

        config = options.model_config(spec)
        check_templates(config.prompt_dir)  # a broken override stops the run, not each attempt
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
    brought = _brought(spec, kind, options)
    if brought is not None:
        return brought
    raise ConfigError(f"unknown model spec {spec!r}; known: {_known(options)}")


def _brought(spec: str, kind: str, options: ModelOptions) -> Model | None:
    """A model the user brings for `spec`: its table's `import_path` first, else an installed
    entry point named `kind`; None when neither names one. Imports nothing before that."""
    from codebench.models import plugins

    import_path = options.config.model(spec).import_path
    if import_path is not None:
        ref = plugins.import_path_ref(spec, import_path, options.config_file)
    else:
        found = plugins.entry_point_ref(kind, options.config_file)
        if found is None:
            return None
        ref = found
    return plugins.build_model(ref, spec, options.model_config(spec), options.config_file)


@dataclass(frozen=True)
class KnownModel:
    """A kind of model `--model` can name, and where it comes from."""

    spec: str  # e.g. `gold`, `openai:<name>`, `my-agent`
    source: str  # `built in`, `codebench.toml import_path = "m:f"`, `entry point m:f (from ...)`


def known_models(options: ModelOptions) -> list[KnownModel]:
    """The built-in kinds, the `import_path` tables of the configuration, and the installed
    `codebench.models` entry points, in the order `get_model` tries them; imports nothing."""
    from codebench.models.plugins import ENTRY_POINT_GROUP, installed

    built_in = [KnownModel(kind, "built in") for kind in REFERENCE_KINDS]
    built_in += [KnownModel(f"{kind}:...", "built in") for kind in ARGUMENT_KINDS]
    configured = [
        KnownModel(name, f"{options.config_file} import_path = {c.import_path!r}")
        for name, c in options.config.models.items()
        if c.import_path is not None
    ]
    entry_points = [
        KnownModel(f"{name}[:...]", f"entry point in {ENTRY_POINT_GROUP}: {target}")
        for name, target in installed()
    ]
    return built_in + configured + entry_points


def _known(options: ModelOptions) -> str:
    """The kinds a spec may name, for an "unknown model spec" error."""
    from codebench.models.plugins import ENTRY_POINT_GROUP, installed

    known = ", ".join([*REFERENCE_KINDS, *(f"{k}:..." for k in ARGUMENT_KINDS)])
    configured = [name for name, c in options.config.models.items() if c.import_path is not None]
    names = sorted({name for name, _ in installed()})
    if configured:
        known += f"; configured in {options.config_file} (import_path): {', '.join(configured)}"
    if names:
        known += f"; installed (entry points in {ENTRY_POINT_GROUP}): {', '.join(names)}"
    return known


def _reference(kind: str, gold_patches: Mapping[str, str]) -> Model:
    if kind == "gold":
        return GoldModel(gold_patches)
    if kind == "noop":
        return NoopModel()
    if kind == "partial":
        from codebench.models.perturb import PartialGoldModel

        return PartialGoldModel(gold_patches)
    from codebench.models.perturb import PERTURBATIONS, PerturbedGoldModel

    return PerturbedGoldModel(kind, gold_patches, PERTURBATIONS[kind])


__all__ = ["KnownModel", "ModelOptions", "get_model", "known_models", "parse_spec"]
