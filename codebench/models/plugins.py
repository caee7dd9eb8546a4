"""Models a user brings: a factory named by `import_path` in `codebench.toml`, or installed as
an entry point in group `codebench.models` whose name is the spec's KIND.

Either way the factory (a callable, or a `Model` subclass) is called as `factory(spec, config)`,
`config` being the spec's `ModelConfig` (its `agent` limits, `prompt_dir`, ...), and must return
a `Model`. Nothing is imported until a spec names it. Every way building one can fail is a
`ConfigError` raised when the spec is chosen, before any attempt, saying where the factory was
named and how to fix it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codebench.errors import ConfigError
from codebench.models.base import Model
from codebench.models.config import ModelConfig

ENTRY_POINT_GROUP = "codebench.models"
SHOWN_ATTRIBUTES = 8  # a "has no attribute" message lists at most this many of the module's


@dataclass(frozen=True)
class FactoryRef:
    """Where a factory is named: `module:attribute`, and for messages where and how to fix it."""

    module: str
    attribute: str  # dotted: `Outer.make` is looked up attribute by attribute
    where: str  # e.g. `codebench.toml [models."my-agent"] import_path = "my_pkg.agents:make"`
    fix: str  # how to name another factory instead, ending every message

    def error(self, problem: str, advice: str = "") -> ConfigError:
        """A `ConfigError` naming the place, the problem, and what to do."""
        return ConfigError(
            f"{self.where}: {problem}; {f'{advice}, or ' if advice else ''}{self.fix}"
        )


def import_path_ref(spec: str, import_path: str, config_file: Path) -> FactoryRef:
    """The factory `[models."SPEC"] import_path` names.

    Raises:
        ConfigError: the path is not `module:attribute` (no ':', or an empty side).
    """
    table = f'[models."{spec}"]'
    fix = f'point {table} import_path in {config_file} at another "package.module:factory"'
    ref_where = f"{config_file} {table} import_path = {import_path!r}"
    module, colon, attribute = import_path.strip().partition(":")
    if not colon or not module.strip() or not attribute.strip():
        raise ConfigError(
            f"{ref_where}: not of the form 'module:factory'; write it as "
            '"package.module:factory": the module to import, a colon, then the callable or '
            "Model subclass in it"
        )
    return FactoryRef(module.strip(), attribute.strip(), ref_where, fix)


def entry_point_ref(kind: str, config_file: Path) -> FactoryRef | None:
    """The factory an installed entry point named `kind` (group `codebench.models`) names;
    None when no distribution has one.

    Raises:
        ConfigError: two distributions name different factories under `kind`.
    """
    found = {ep.value: ep for ep in _entry_points() if ep.name == kind}  # one per target
    override = (
        f'or name the factory in {config_file}: [models."{kind}"] import_path = '
        '"package.module:factory"'
    )
    if len(found) > 1:
        named = ", ".join(f"{ep.value!r} (from {_dist(ep)})" for ep in found.values())
        raise ConfigError(
            f"entry point {kind!r} in group {ENTRY_POINT_GROUP} is defined more than once: "
            f"{named}; uninstall all but one of those distributions, {override}"
        )
    if not found:
        return None
    (ep,) = found.values()
    where = f"entry point {kind!r} = {ep.value!r} in group {ENTRY_POINT_GROUP} (from {_dist(ep)})"
    fix = f"reinstall or fix {_dist(ep)}, {override}"
    if not ep.attr:
        raise ConfigError(f"{where}: names a module, not a factory in it; {fix}")
    return FactoryRef(ep.module, ep.attr, where, fix)


def installed() -> list[tuple[str, str]]:
    """Every installed `codebench.models` entry point: (name, "value (from distribution)"),
    sorted by name; nothing is imported."""
    found = {(ep.name, f"{ep.value} (from {_dist(ep)})") for ep in _entry_points()}
    return sorted(found)


def build_model(ref: FactoryRef, spec: str, config: ModelConfig, config_file: Path) -> Model:
    """`factory(spec, config)` for the factory `ref` names; a model without `spec` gets `spec`.

    Raises:
        ConfigError: the module cannot be found or raises on import, the attribute is missing or
            not callable, the factory raises, or it returns something that is not a `Model`.
    """
    factory = load_factory(ref, config_file)
    try:
        model = factory(spec, config)
    except Exception as exc:  # any bug in the user's factory: a message, not a traceback
        raise ref.error(f"the factory raised {_describe(exc)}", "fix the factory") from exc
    if not isinstance(model, Model):
        raise ref.error(
            f"the factory returned {type(model).__module__}.{type(model).__qualname__}, "
            "not a codebench.models.Model",
            "return an instance of a Model subclass (it defines propose(view, sample))",
        )
    if getattr(model, "spec", None) != spec:  # results are filed under the spec the run chose
        try:
            model.spec = spec
        except (AttributeError, TypeError) as exc:
            raise ref.error(
                f"the model's spec cannot be set to {spec!r} ({exc})", "make `spec` an attribute"
            ) from exc
    return model


def load_factory(ref: FactoryRef, config_file: Path) -> Callable[[str, ModelConfig], object]:
    """Import `ref.module` and look up `ref.attribute` in it.

    A module beside the configuration file imports without being installed: that folder is
    added to the end of `sys.path` (installed packages keep precedence).

    Raises:
        ConfigError: the module is not found, raises on import, or lacks a callable attribute.
    """
    folder = str(config_file.resolve().parent)
    if folder not in sys.path:
        sys.path.append(folder)
    try:
        target: object = importlib.import_module(ref.module)
    except ModuleNotFoundError as exc:
        if exc.name is None or not _is_parent_or_self(exc.name, ref.module):
            raise ref.error(f"importing {ref.module!r} raised {_describe(exc)}") from exc
        raise ref.error(
            f"no module named {exc.name!r}",
            f"install the package that provides it, or put it beside {config_file} "
            "or on PYTHONPATH",
        ) from exc
    except (Exception, SystemExit) as exc:  # a module that breaks (or exits) on import
        raise ref.error(
            f"importing {ref.module!r} raised {_describe(exc)}", "fix the module"
        ) from exc
    for depth, name in enumerate(ref.attribute.split(".")):
        if not hasattr(target, name):
            owner = ".".join([ref.module, *ref.attribute.split(".")[:depth]])
            raise ref.error(f"{owner} has no attribute {name!r}{_public(target)}")
        target = getattr(target, name)
    if not callable(target):
        raise ref.error(
            f"{ref.module}:{ref.attribute} is a {type(target).__name__}, not callable",
            "name a function or a Model subclass",
        )
    return target


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    return list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))


def _dist(ep: importlib.metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"distribution {dist.name!r}" if dist is not None else "an unnamed distribution"


def _is_parent_or_self(missing: str, module: str) -> bool:
    """True when the module not found is `module` or a package on its way (not a dependency
    that `module` itself imports)."""
    return module == missing or module.startswith(missing + ".")


def _public(target: object) -> str:
    """A few of the callables `target` does have, for a "has no attribute" message."""
    found = vars(target) if hasattr(target, "__dict__") else {}
    names = sorted(n for n, v in found.items() if not n.startswith("_") and callable(v))
    if not names:
        return ""
    more = ", ..." if len(names) > SHOWN_ATTRIBUTES else ""
    return f" (it has: {', '.join(names[:SHOWN_ATTRIBUTES])}{more})"


def _describe(exc: BaseException) -> str:
    """`Type: message (at file:line)`, the innermost frame, e.g. the user's line that raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    text = f"{type(exc).__name__}: {exc}"
    if not frames:
        return text
    last = frames[-1]
    return f"{text} (at {Path(last.filename).name}:{last.lineno})"
