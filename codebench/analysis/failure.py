"""Why an attempt has no analysis although its patch was applied: the analyzer raised."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AnalysisFailure(BaseModel):
    """An analysis that raised: the exception's type name and message."""

    model_config = ConfigDict(frozen=True)

    error_type: str
    message: str

    @classmethod
    def of(cls, exc: BaseException) -> AnalysisFailure:
        """The failure an exception stands for."""
        return cls(error_type=type(exc).__name__, message=str(exc))

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message}" if self.message else self.error_type
