"""Why an attempt has no analysis although its patch was applied: the analyzer raised."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from codebench.analysis.version import ANALYSIS_VERSION


class AnalysisFailure(BaseModel):
    """An analysis that raised: the exception's type name and message, and the analyzer
    version that raised it (None: a failure stored before failures carried it, by version 4
    or older). A failure of another version than the current one is retried."""

    model_config = ConfigDict(frozen=True)

    error_type: str
    message: str
    analysis_version: int | None = None

    @classmethod
    def of(cls, exc: BaseException, message: str | None = None) -> AnalysisFailure:
        """The failure an exception stands for, under the current analyzer version; `message`
        instead of the exception's own."""
        text = str(exc) if message is None else message
        return cls(error_type=type(exc).__name__, message=text, analysis_version=ANALYSIS_VERSION)

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message}" if self.message else self.error_type
