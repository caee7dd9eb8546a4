"""Which paths a model may not change, and when a config file's pytest section changed."""

from __future__ import annotations

import pytest

from codebench.patching import is_test_path
from codebench.patching.protect import pytest_section


@pytest.mark.parametrize(
    ("path", "protected"),
    [
        ("tests/test_ops.py", True),
        ("tests/helpers.py", True),
        ("pkg/tests/data.json", True),
        ("test_top.py", True),
        ("pkg/ops_test.py", True),
        ("conftest.py", True),
        ("pkg/conftest.py", True),
        ("pytest.ini", True),
        ("sitecustomize.py", False),  # harness-owned: see loads_at_startup
        ("pkg/ops.py", False),
        ("pkg/testimony.py", False),
        ("pkg/latest.py", False),
        ("README.md", False),
    ],
)
def test_is_test_path(path: str, protected: bool) -> None:
    assert is_test_path(path) is protected


def test_pyproject_pytest_section() -> None:
    before = b'[project]\nname = "x"\n[tool.pytest.ini_options]\naddopts = "-q"\n'
    other_change = before.replace(b'name = "x"', b'name = "y"')
    pytest_change = before.replace(b'"-q"', b'"-q -k nothing"')
    assert pytest_section("pyproject.toml", before) == pytest_section(
        "pyproject.toml", other_change
    )
    assert pytest_section("pyproject.toml", before) != pytest_section(
        "pyproject.toml", pytest_change
    )


@pytest.mark.parametrize(("name", "section"), [("setup.cfg", "tool:pytest"), ("tox.ini", "pytest")])
def test_ini_pytest_sections(name: str, section: str) -> None:
    before = f"[metadata]\nname = x\n[{section}]\naddopts = -q\n".encode()
    assert pytest_section(name, before) == {"addopts": "-q"}
    assert pytest_section(name, before.replace(b"name = x", b"name = y")) == {"addopts": "-q"}
    assert pytest_section(name, None) is None


def test_unparsable_config_is_never_equal_to_the_parsed_one() -> None:
    good = b'[tool.pytest.ini_options]\naddopts = "-q"\n'
    assert pytest_section("pyproject.toml", good) != pytest_section("pyproject.toml", b"[[[")


def test_a_pytest_section_behind_a_lone_carriage_return_is_seen() -> None:
    """Regression: `[tox]\\r[pytest]\\naddopts = -p plugin` read to configparser as one section
    named `tox]\\r[pytest` (no pytest settings: unchanged), while pytest, reading in text mode,
    loaded the plugin from it."""
    hidden = b"[tox]\r[pytest]\naddopts = -p calc._extras\n"
    assert pytest_section("tox.ini", hidden) == {"addopts": "-p calc._extras"}
    assert pytest_section("setup.cfg", b"[metadata]\r[tool:pytest]\naddopts = -x\n") == {
        "addopts": "-x"
    }
