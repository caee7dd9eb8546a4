"""The prompt: XML-tagged sections, context selection under a budget, template overrides."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from codebench.models import TaskView, prompt
from codebench.models.formats import EditFormat
from codebench.models.prompt import build_prompt, repository_map, select_files
from tests.conftest import FIXTURE_TASKS

CALC = FIXTURE_TASKS / "repos" / "calc"
FILES = {
    "pkg/a.py": "from pkg import b\nX = 1\n" + "#" * 200 + "\n",
    "pkg/b.py": "Y = 2\n" + "#" * 200 + "\n",
    "pkg/c.py": "import pkg.a\nZ = 3\n" + "#" * 200 + "\n",
    "pkg/unrelated.py": "W = 4\n" + "#" * 200 + "\n",
}


def test_whole_repository_when_it_fits() -> None:
    assert select_files("change X", FILES, budget_chars=10_000) == sorted(FILES)


def test_named_files_with_imports_and_importers_when_it_does_not() -> None:
    chosen = select_files("In pkg/a.py, make X a float.", FILES, budget_chars=700)
    assert chosen == ["pkg/a.py", "pkg/b.py", "pkg/c.py"]  # a, what a imports, what imports a


def test_sections_and_format_rules() -> None:
    view = TaskView("t", "Refuse division by zero.", CALC)
    prompt = build_prompt(view, EditFormat.SEARCH_REPLACE, 24_000)
    for tag in ("<instruction>", "<repository_map>", "<files>", "<format_rules>"):
        assert tag in prompt.user
    assert "<<<<<<< SEARCH" in prompt.user
    assert '<file path="calc/ops.py">' in prompt.user
    assert "calc/ops.py: add, mul, div, checked" in prompt.user


def test_templates_can_be_overridden(tmp_path: Path) -> None:
    (tmp_path / "system.txt").write_text("You are terse.")
    (tmp_path / "format_udiff.txt").write_text("Only a diff, please.")
    prompt = build_prompt(TaskView("t", "x", CALC), EditFormat.UDIFF, 24_000, tmp_path)
    assert prompt.system == "You are terse."
    assert "Only a diff, please." in prompt.user


def test_repository_map_lists_definitions() -> None:
    assert repository_map({"m.py": "def f(): pass\nclass C: pass\n", "README": "x"}) == (
        "README\nm.py: f, C"
    )


def test_repository_map_marks_files_that_do_not_parse() -> None:
    files = {"bad.py": "def f(:\n", "nul.py": "x = 1\0\n", "empty.py": "", "ok.py": "X = 1\n"}
    assert repository_map(files) == (
        "bad.py: (does not parse)\nempty.py\nnul.py: (does not parse)\nok.py"
    )


def test_each_distinct_text_is_parsed_once_across_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: every model call parsed every file of the tree twice (the map and the import
    graph): 11.5 s per call at 300k lines."""
    parsed: list[str] = []
    real = prompt.parse_ast

    def counting(text: str) -> ast.Module:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(prompt, "parse_ast", counting)
    prompt.outline.cache_clear()
    files = {**FILES, "pkg/d.py": "from pkg import a\nV = 5\n" + "#" * 200 + "\n"}
    for _ in range(3):
        select_files("In pkg/a.py, make X a float.", files, budget_chars=700)
        repository_map(files)
    assert sorted(parsed) == sorted(files.values())
    changed = {**files, "pkg/b.py": "Y = 3\n"}  # the next snapshot: one file changed
    select_files("In pkg/a.py, make X a float.", changed, budget_chars=700)
    assert parsed[len(files) :] == ["Y = 3\n"]
