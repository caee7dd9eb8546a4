"""The prompt: XML-tagged sections, context selection under a budget, template overrides."""

from __future__ import annotations

from pathlib import Path

from codebench.models import TaskView
from codebench.models.formats import EditFormat
from codebench.models.prompt import CHARS_PER_TOKEN, build_prompt
from tests.conftest import FIXTURE_TASKS

CALC = FIXTURE_TASKS / "repos" / "calc"


def test_sections_and_format_rules() -> None:
    view = TaskView("t", "Refuse division by zero.", CALC)
    prompt = build_prompt(view, EditFormat.SEARCH_REPLACE, 24_000)
    for tag in ("<instruction>", "<repository_map>", "<files>", "<format_rules>"):
        assert tag in prompt.user
    assert "<<<<<<< SEARCH" in prompt.user
    assert '<file path="calc/ops.py">' in prompt.user
    assert "calc/ops.py\n  def add(a, b):" in prompt.user  # the map lists signatures


def test_templates_can_be_overridden(tmp_path: Path) -> None:
    (tmp_path / "system.txt").write_text("You are terse.")
    (tmp_path / "format_udiff.txt").write_text("Only a diff, please.")
    prompt = build_prompt(TaskView("t", "x", CALC), EditFormat.UDIFF, 24_000, tmp_path)
    assert prompt.system == "You are terse."
    assert "Only a diff, please." in prompt.user


def test_the_whole_message_stays_within_the_budget(tmp_path: Path) -> None:
    """Issue 15: the repository map was not counted against the budget (one map was ~60K
    characters of test-data paths), so a prompt could be many times its budget."""
    for n in range(60):
        (tmp_path / "pkg").mkdir(exist_ok=True)
        (tmp_path / "pkg" / f"mod{n}.py").write_text(
            "".join(f"def helper_{n}_{k}(value):\n    return value + {k}\n\n" for k in range(40))
        )
    view = TaskView("t", "helper_7_3 must add 4, not 3.", tmp_path)
    for budget in (500, 2_000, 8_000):
        prompt = build_prompt(view, EditFormat.SEARCH_REPLACE, budget)
        assert len(prompt.user) <= budget * CHARS_PER_TOKEN, budget
        assert "pkg/mod7.py" in prompt.files
        assert "def helper_7_3(value):" in prompt.user
