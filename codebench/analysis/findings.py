"""Typed findings of the cross-file and syntax checks: where in the patched tree, what, which kind.

A finding renders for people in one line (`str(finding)`), in the text form the analyzer has
always printed; programs read its fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class FindingKind(StrEnum):
    """What a finding reports; the comment shows how it renders."""

    STALE_CALL = "stale_call"  # path:line name()
    STALE_IMPORT = "stale_import"  # path:line import name
    STALE_ALIAS = "stale_alias"  # path:line name = detail (a module-level alias of it)
    UNDEFINED_NAME = "undefined_name"  # path:line name
    BROKEN_IMPORT = "broken_import"  # path:line import name (the module does not exist)
    BROKEN_FROM_MODULE = "broken_from_module"  # path:line from name import ... (no such module)
    BROKEN_FROM_NAME = "broken_from_name"  # path:line from detail import name (no such name)
    REINVENTED_HELPER = "reinvented_helper"  # path::name ~ detail
    SYNTAX_ERROR = "syntax_error"  # path: line N: detail (or path: detail, line unknown)


_LABELS = {
    FindingKind.STALE_CALL: "{path}:{line} {name}()",
    FindingKind.STALE_IMPORT: "{path}:{line} import {name}",
    FindingKind.STALE_ALIAS: "{path}:{line} {name} = {detail}",
    FindingKind.UNDEFINED_NAME: "{path}:{line} {name}",
    FindingKind.BROKEN_IMPORT: "{path}:{line} import {name}",
    FindingKind.BROKEN_FROM_MODULE: "{path}:{line} from {name} import ...",
    FindingKind.BROKEN_FROM_NAME: "{path}:{line} from {detail} import {name}",
    FindingKind.REINVENTED_HELPER: "{path}::{name} ~ {detail}",
    FindingKind.SYNTAX_ERROR: "{path}: line {line}: {detail}",
}


class Finding(BaseModel):
    """One thing a check found in the patched tree.

    `path` is the file, `line` the 1-based line (0 when the parser named none). `name` is what
    is stale, undefined or missing: the called or imported name, the module of a broken import,
    the qualified name of a re-implemented helper; empty for a syntax error. `detail` is the
    module a broken from-import names, the existing helper with its similarity, or the
    parser's message.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    line: int = Field(ge=0)
    name: str
    kind: FindingKind
    detail: str | None = None

    @property
    def location(self) -> tuple[str, int]:
        """(path, line): the order findings are listed in."""
        return self.path, self.line

    @property
    def label(self) -> str:
        """The finding in one line for people, e.g. `pkg/a.py:12 foo()`."""
        if self.kind is FindingKind.SYNTAX_ERROR and self.line == 0:
            return f"{self.path}: {self.detail}"
        return _LABELS[self.kind].format(
            path=self.path, line=self.line, name=self.name, detail=self.detail
        )

    def __str__(self) -> str:
        return self.label


def by_location(findings: Iterable[Finding]) -> list[Finding]:
    """Findings sorted by path, then line (numerically); ties keep their order."""
    return sorted(findings, key=lambda finding: finding.location)
