"""The prompt: XML-tagged sections (instruction, repository map, files, format rules) from
templates a user can override per model.

Context: the whole repository when it fits the token budget, else the files the instruction
names plus what they import and what imports them. Only the starting tree is ever read: the
gold patch and the hidden tests are not in it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from codebench.analysis.parsing import parse_ast
from codebench.models.base import TaskView
from codebench.models.formats import EditFormat
from codebench.tasks.loader import read_texts

CHARS_PER_TOKEN = 4  # a rough, provider-independent estimate
OUTLINES_CACHED = 16384  # small values; a 300k-line repository has ~1,500 files


@dataclass(frozen=True)
class Prompt:
    """The chat messages of one request, and which files the context holds."""

    system: str
    user: str
    files: tuple[str, ...]


def template(name: str, override_dir: Path | None) -> str:
    """A template by file name: the user's override if present, else the built-in one."""
    if override_dir is not None and (override_dir / name).is_file():
        return (override_dir / name).read_text(encoding="utf-8")
    return (
        resources.files("codebench.models").joinpath("templates", name).read_text(encoding="utf-8")
    )


@dataclass(frozen=True)
class Outline:
    """What the prompt reads off one Python file: its top-level definitions (None when it does
    not parse) and the absolute modules its imports name."""

    definitions: tuple[str, ...] | None
    modules: frozenset[str]


@lru_cache(maxsize=OUTLINES_CACHED)
def outline(text: str) -> Outline:
    """The outline of a Python text, parsed once per distinct text (a process reuses it for
    every model call on the same tree, and for the files a new snapshot keeps)."""
    try:
        tree = parse_ast(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Outline(None, frozenset())
    definitions = tuple(
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    )
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return Outline(definitions, frozenset(modules))


def repository_map(files: Mapping[str, str]) -> str:
    """One line per file: its path and its top-level definitions."""
    lines = []
    for path, text in sorted(files.items()):
        names: tuple[str, ...] = ()
        if path.endswith(".py"):
            definitions = outline(text).definitions
            names = ("(does not parse)",) if definitions is None else definitions
        lines.append(f"{path}: {', '.join(names)}" if names else path)
    return "\n".join(lines)


def _imports(path: str, text: str, files: Mapping[str, str]) -> set[str]:
    """The repository files a file imports (absolute imports, modules or from-imported ones)."""
    found = set()
    for module in outline(text).modules:
        name = module.replace(".", "/")
        for candidate in (f"{name}.py", f"{name}/__init__.py"):
            if candidate in files and candidate != path:
                found.add(candidate)
    return found


def select_files(instruction: str, files: Mapping[str, str], budget_chars: int) -> list[str]:
    """All files if they fit the budget; else the named ones, their imports and importers."""
    if sum(len(t) for t in files.values()) <= budget_chars:
        return sorted(files)
    named = [
        p for p in files if p in instruction or Path(p).stem in re.findall(r"\w+", instruction)
    ]
    imports = {p: _imports(p, t, files) for p, t in files.items() if p.endswith(".py")}
    chosen = dict.fromkeys(sorted(named))
    for path in list(chosen):
        chosen.update(dict.fromkeys(sorted(imports.get(path, ()))))
        chosen.update(dict.fromkeys(sorted(p for p, found in imports.items() if path in found)))
    selected, used = [], 0
    for path in chosen:
        if used + len(files[path]) <= budget_chars:
            selected.append(path)
            used += len(files[path])
    return selected


def build_prompt(
    view: TaskView,
    edit_format: EditFormat,
    budget_tokens: int,
    override_dir: Path | None = None,
    files: Mapping[str, str] | None = None,
) -> Prompt:
    """The system and user messages for one task (`files`: the starting tree, if already read)."""
    files = read_texts(view.repo_dir) if files is None else files
    chosen = select_files(view.instruction, files, budget_tokens * CHARS_PER_TOKEN)
    blocks = "\n".join(f'<file path="{p}">\n{files[p]}</file>' for p in chosen)
    user = template("user.txt", override_dir).format(
        instruction=view.instruction.strip(),
        repository_map=repository_map(files),
        files=blocks,
        format_rules=template(f"format_{edit_format.value}.txt", override_dir).strip(),
    )
    return Prompt(template("system.txt", override_dir).strip(), user, tuple(chosen))
