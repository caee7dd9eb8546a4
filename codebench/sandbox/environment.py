"""Environment definitions: `sandboxes/<name>/environment.toml`, read into typed values.

An environment is the base image plus an isolated virtual environment holding pytest and the
requirements listed here (inline, or in a requirements file beside the definition). Its key, a
hash of the resolved requirement set, names the host's wheelhouse and goes into the image tag.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from codebench.errors import ConfigError
from codebench.io import load_toml, read_text

DEFINITION = "environment.toml"
# Grading needs pytest in every environment: this one unless the definition names its own.
DEFAULT_PYTEST = "pytest==9.2.0"
# Runs the install inside the image build (from its wheel: the base has no pip); not installed.
PIP = "pip==26.3"
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


class EnvironmentSpec(BaseModel):
    """The contents of one `environment.toml`, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # the base image's interpreter (Debian bookworm's CPython): the only one there is
    python: Literal["3.11"] = "3.11"
    requirements: tuple[str, ...] = ()
    # a pip requirements file beside environment.toml: one requirement a line, no options
    requirements_file: str | None = Field(default=None, min_length=1)

    @field_validator("requirements")
    @classmethod
    def _requirements_are_specifiers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for line in value:
            problem = requirement_problem(line)
            if problem:
                raise ValueError(f"{line!r}: {problem}")
        return value

    @field_validator("requirements_file")
    @classmethod
    def _file_is_beside(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith("/") or ".." in PurePosixPath(value).parts):
            raise ValueError("must be a path inside the environment's folder")
        return value


@dataclass(frozen=True)
class Environment:
    """One environment, its requirements resolved (inline, then its file's, then pytest)."""

    name: str
    folder: Path
    python: str
    requirements: tuple[str, ...]

    @property
    def key(self) -> str:
        """A hash of what the wheelhouse holds: interpreter, requirements and the pip used."""
        content = {"python": self.python, "requirements": self.requirements, "pip": PIP}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def requirement_problem(line: str) -> str | None:
    """Why `line` is not a plain requirement specifier (`name[extras] <spec>; <marker>`)."""
    if not line.strip():
        return "is empty"
    if line.lstrip().startswith("-"):
        return "pip options (-r, -e, --index-url...) are not allowed: list requirements only"
    if "\n" in line or _NAME.match(line.strip()) is None:
        return "is not a requirement like 'numpy>=1.26'"
    return None


def project_name(requirement: str) -> str:
    """The normalized project name of a requirement (PEP 503): `Foo_Bar>=1` -> `foo-bar`."""
    found = _NAME.match(requirement.strip())
    name = found.group(0) if found else requirement
    return re.sub(r"[-_.]+", "-", name).lower()


def environment_names(sandboxes_root: Path) -> set[str]:
    """Every environment defined under `sandboxes_root` (a folder with an environment.toml)."""
    if not sandboxes_root.is_dir():
        return set()
    return {p.name for p in sandboxes_root.iterdir() if (p / DEFINITION).is_file()}


def load_environment(name: str, sandboxes_root: Path) -> Environment:
    """Read `sandboxes_root/<name>/environment.toml` and its requirements file.

    Raises:
        ConfigError: no such definition (the message lists those there are), a bad key or
            value (named, with a did-you-mean for a misspelt key), or a bad requirements file
            line (its file and line number).
    """
    folder = sandboxes_root / name
    path = folder / DEFINITION
    if not path.is_file():
        known = ", ".join(sorted(environment_names(sandboxes_root))) or "none"
        raise ConfigError(
            f"{path} does not exist: no environment {name!r} (defined: {known}); "
            f"create it, or fix the task's `image`"
        )
    spec = load_toml(path, EnvironmentSpec)
    listed = list(spec.requirements)
    if spec.requirements_file is not None:
        listed += _file_requirements(folder / spec.requirements_file)
    if not any(project_name(line) == "pytest" for line in listed):
        listed.append(DEFAULT_PYTEST)
    return Environment(name, folder, spec.python, tuple(dict.fromkeys(listed)))


def _file_requirements(path: Path) -> list[str]:
    lines = []
    for number, raw in enumerate(read_text(path).splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not line:
            continue
        problem = requirement_problem(line)
        if problem:
            raise ConfigError(f"{path}: line {number}: {line!r} {problem}")
        lines.append(line)
    return lines
