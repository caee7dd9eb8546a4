"""The prompt: XML-tagged sections, context selection under a budget, template overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from codebench.errors import ConfigError
from codebench.models import ModelOptions, TaskView, get_model
from codebench.models.config import BenchConfig, ModelConfig
from codebench.models.formats import EditFormat
from codebench.models.prompt import CHARS_PER_TOKEN, build_prompt, check_templates
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


BROKEN_TEMPLATES = [
    ("user.txt", "{instruction}\n{the_code}", "KeyError: 'the_code'"),
    ("user.txt", "a lone { brace", "ValueError"),
    ("retry.txt", "{0}", "IndexError"),
    ("agent_user.txt", "{instruction.nope}", "AttributeError"),
    ("agent_prior_try.txt", "{patch} {diff}", "KeyError: 'diff'"),
]


@pytest.mark.parametrize(("name", "text", "error"), BROKEN_TEMPLATES)
def test_a_broken_override_is_a_config_error_naming_the_file(
    tmp_path: Path, name: str, text: str, error: str
) -> None:
    """Issue 15: an override with an unknown placeholder failed every attempt as "the model
    failed unexpectedly: KeyError" instead of stopping the run with the file named."""
    (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError) as raised:
        check_templates(tmp_path)
    message = str(raised.value)
    assert str(tmp_path / name) in message and error in message
    assert "{{ or }}" in message  # how to write a literal brace


def test_an_attribute_lookup_does_not_reach_the_values(tmp_path: Path) -> None:
    (tmp_path / "user.txt").write_text("{instruction.strip}")  # str has it: formats, harmless
    check_templates(tmp_path)


def test_an_unreadable_override_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "system.txt").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(ConfigError, match=r"system\.txt: cannot read"):
        check_templates(tmp_path)


def test_good_overrides_and_none_pass(tmp_path: Path) -> None:
    check_templates(None)
    check_templates(tmp_path)  # an empty folder: the built-in templates
    (tmp_path / "user.txt").write_text("Fix: {instruction} {{literal}}")
    check_templates(tmp_path)
    prompt = build_prompt(TaskView("t", "x", CALC), EditFormat.UDIFF, 24_000, tmp_path)
    assert prompt.user == "Fix: x {literal}"


def test_building_an_openai_model_checks_its_templates(tmp_path: Path) -> None:
    (tmp_path / "agent_user.txt").write_text("{task}")
    config = BenchConfig(models={"openai:m": ModelConfig(prompt_dir=tmp_path)})
    with pytest.raises(ConfigError, match=r"agent_user\.txt"):
        get_model("openai:m", {}, ModelOptions(config=config))
