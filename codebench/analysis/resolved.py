"""What name resolution reads off one file: its calls and the names it imports or aliases, each
by fully qualified name (`names.resolve_file` fills these in)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModulePath:
    """A file's module name as importers spell it, and the package its relative imports use."""

    name: str
    package: str

    @classmethod
    def of(cls, path: str) -> ModulePath:
        """`pkg/mod.py` -> `pkg.mod` in `pkg`; `pkg/__init__.py` -> `pkg` in `pkg`; a leading
        `src/` is dropped."""
        parts = path.removeprefix("src/").removesuffix(".py").split("/")
        if parts[-1] == "__init__":
            parts.pop()
            return cls(".".join(parts), ".".join(parts))
        return cls(".".join(parts), ".".join(parts[:-1]))


@dataclass(frozen=True)
class CallShape:
    """The arguments of a call as a signature sees them."""

    positional: int
    keywords: frozenset[str]
    unpacked: bool  # a `*args` or `**kwargs` argument: any signature may fit


@dataclass(frozen=True)
class CallSite:
    """A call by plain or attribute name, with what its callee resolves to."""

    line: int
    name: str  # the bare called name: `f` of `f()` and of `obj.f()`
    via_attribute: bool
    targets: frozenset[str]  # fully qualified names the callee may be
    imported: frozenset[str]  # those of them reached through an import
    shape: CallShape
    # `self.f()` / `cls.f()` in a class that defines `f` itself: that method, fully qualified
    own_method: str | None = None


@dataclass(frozen=True)
class ImportedName:
    """One name a file takes from elsewhere: a name of a `from ... import ...` statement, or a
    module-level alias (`g = mod.f`, `assigned`)."""

    line: int
    name: str  # as imported: `f` of `from m import f as g`; the alias `g` of `g = mod.f`
    target: str  # fully qualified: `m.f`
    bound: str | None  # the module attribute it binds (`this.g`) when at module level
    assigned: bool = False


@dataclass(frozen=True)
class ResolvedFile:
    """The calls of one file that may reach the names asked for, and every name it imports."""

    calls: tuple[CallSite, ...]
    imports: tuple[ImportedName, ...]
    star_imports: tuple[str, ...] = ()  # modules of its module-level `from m import *`
