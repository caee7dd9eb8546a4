"""Integrity rules over what a patch changed in the tree (the manifest's view, not git's)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import PurePosixPath

from codebench.grading.findings import IntegrityFinding, IntegrityRule
from codebench.patching import loads_at_startup

# What pytest itself imports besides the standard library; `test`/`tests` are test folders.
PYTEST_MODULES = frozenset({"pytest", "_pytest", "pluggy", "py", "iniconfig", "packaging"})
NOT_SHADOWING = frozenset({"test", "tests"})


def shadowed_module(path: str) -> str | None:
    """The standard-library or pytest module a new file at the repository root would shadow
    (`json.py`, `xml/__init__.py`, `_pytest/junitxml.py`), else None. Under `src/`, which
    the sandbox's environment puts on the path behind the standard library but ahead of
    site-packages, only a pytest module counts (`src/pluggy/__init__.py`)."""
    parts = PurePosixPath(path).parts
    if not path.endswith(".py"):
        return None
    in_src = parts[0] == "src" and len(parts) > 1
    if in_src:
        parts = parts[1:]
    name = parts[0].removesuffix(".py") if len(parts) == 1 else parts[0]
    if name in NOT_SHADOWING:
        return None
    if name in PYTEST_MODULES or (not in_src and name in sys.stdlib_module_names):
        return name
    return None


def shadowing_findings(added: Iterable[str]) -> list[IntegrityFinding]:
    """New files that would be imported instead of a standard-library or pytest module."""
    return [
        IntegrityFinding(
            rule=IntegrityRule.SHADOWED_MODULE,
            path=path,
            symbol=module,
            detail=f"adds a module that would be imported instead of {module!r} from the "
            "standard library or pytest",
        )
        for path in added
        if (module := shadowed_module(path)) is not None
    ]


def tree_findings(
    changed: Iterable[str], git_visible: Iterable[str], protected: Iterable[str]
) -> list[IntegrityFinding]:
    """Findings about the changed paths: start-up hooks and plugin metadata, git attributes,
    and protected paths that git's own view does not show (hidden by a .gitignore)."""
    visible, guarded = set(git_visible), set(protected)
    findings = []
    for path in changed:
        if loads_at_startup(path):
            detail = (
                "adds or changes package metadata or a start-up hook, which can load code "
                "into pytest (an entry point such as pytest11, a .pth, sitecustomize)"
            )
            findings.append(_finding(IntegrityRule.PLUGIN_METADATA, path, detail))
        elif PurePosixPath(path).name == ".gitattributes":
            detail = "changes git attributes, which bend what git reports of the change"
            findings.append(_finding(IntegrityRule.HIDDEN_FROM_GIT, path, detail))
        elif path in guarded and path not in visible:
            detail = "changes a protected path and hides it from git (.gitignore)"
            findings.append(_finding(IntegrityRule.HIDDEN_FROM_GIT, path, detail))
    return findings


def _finding(rule: IntegrityRule, path: str, detail: str) -> IntegrityFinding:
    return IntegrityFinding(rule=rule, path=path, detail=detail)
