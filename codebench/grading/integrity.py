"""Integrity rules over what a patch changed in the tree (the manifest's view, not git's)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from codebench.grading.findings import IntegrityFinding, IntegrityRule
from codebench.patching import loads_at_startup


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
