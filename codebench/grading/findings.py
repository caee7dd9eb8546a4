"""What the integrity checks found: a rule that fired and the evidence that made it fire."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class IntegrityRule(StrEnum):
    """The integrity checks; any one that fires makes the attempt `integrity_violation`."""

    # the patch adds or changes packaging metadata or start-up hooks that load code into pytest
    # before the harness is in control: a `pytest11` entry point, a `.pth`, sitecustomize
    PLUGIN_METADATA = "plugin_metadata"
    # the patch changes how git sees the tree (.gitattributes), or changes a protected path that
    # git's view does not show (hidden by .gitignore)
    HIDDEN_FROM_GIT = "hidden_from_git"
    # the patch adds a module at the repository root named like a standard-library or pytest
    # module: the tests (and pytest itself) would import it instead of the real one
    SHADOWED_MODULE = "shadowed_module"
    # the per-attempt canary tests did not end as they must: reporting was subverted
    CANARY = "canary"
    # the report could not be sealed: the harness's shell was ended, or the report path was
    # replaced by something other than a plain file
    REPORT_CHANNEL = "report_channel"
    # a process the tests started was still running when pytest exited
    STRAY_PROCESS = "stray_process"
    # the patch adds code that targets the grader (pytest internals, the report, the harness's
    # folders, frames of the calling test, gc hunting, atexit or fork tricks)
    GRADER_CODE = "grader_code"


class IntegrityFinding(BaseModel):
    """One fired rule with its evidence: the file (and line, or symbol) and what was seen."""

    model_config = ConfigDict(frozen=True)

    rule: IntegrityRule
    detail: str  # one sentence a person can check
    path: str | None = None
    line: int | None = None  # in the patched file
    symbol: str | None = None  # e.g. `sys._getframe`, `pytest_runtest_makereport`

    def describe(self) -> str:
        """`rule: path:line (symbol): detail`, leaving out what is unknown."""
        where = self.path or ""
        if where and self.line is not None:
            where += f":{self.line}"
        if self.symbol:
            where = f"{where} ({self.symbol})" if where else self.symbol
        return f"{self.rule.value}: {where + ': ' if where else ''}{self.detail}"
