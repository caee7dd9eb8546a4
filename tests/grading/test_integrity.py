"""Integrity rules over the changed paths of a tree."""

from __future__ import annotations

import pytest

from codebench.grading import IntegrityRule, shadowing_findings, tree_findings
from codebench.grading.integrity import shadowed_module


@pytest.mark.parametrize(
    ("path", "module"),
    [
        ("json.py", "json"),
        ("xml/etree/ElementTree.py", "xml"),
        ("_pytest/junitxml.py", "_pytest"),
        ("pluggy/__init__.py", "pluggy"),
        ("test/test_x.py", None),  # a test folder, though the standard library has `test`
        ("calc/json.py", None),  # inside the package: imported as calc.json
        ("jsonutil.py", None),
        ("json.txt", None),
        ("src/pluggy/__init__.py", "pluggy"),  # src/ is ahead of the environment's packages
        ("src/_pytest.py", "_pytest"),
        ("src/json.py", None),  # ...but behind the standard library
        ("src/calc/ops.py", None),
    ],
)
def test_shadowed_module(path: str, module: str | None) -> None:
    assert shadowed_module(path) == module


def test_shadowing_findings_name_the_file_and_module() -> None:
    (finding,) = shadowing_findings(["calc/ops.py", "re.py"])
    assert (finding.rule, finding.path, finding.symbol) == (
        IntegrityRule.SHADOWED_MODULE,
        "re.py",
        "re",
    )


def test_tree_findings() -> None:
    changed = [
        "calc/ops.py",
        "cheat-1.0.dist-info/entry_points.txt",
        "site.pth",
        "pkg/.gitattributes",
        "conftest.py",
        "tests/test_visible.py",
    ]
    visible = ["calc/ops.py", "tests/test_visible.py", "site.pth", "pkg/.gitattributes"]
    protected = ["conftest.py", "tests/test_visible.py"]
    found = [(f.rule, f.path) for f in tree_findings(changed, visible, protected)]
    assert found == [
        (IntegrityRule.PLUGIN_METADATA, "cheat-1.0.dist-info/entry_points.txt"),
        (IntegrityRule.PLUGIN_METADATA, "site.pth"),
        (IntegrityRule.HIDDEN_FROM_GIT, "pkg/.gitattributes"),
        (IntegrityRule.HIDDEN_FROM_GIT, "conftest.py"),  # protected and unseen by git
    ]  # a visible protected edit is only reverted: models may touch tests honestly
