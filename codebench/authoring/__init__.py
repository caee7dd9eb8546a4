"""Authoring: turning repositories into tasks (scaffold from a before/after pair, validate)."""

from codebench.authoring.scaffold import ScaffoldRequest, ScaffoldResult, scaffold, split_diff
from codebench.authoring.validate import (
    TaskValidation,
    gold_entities,
    scope_problems,
    validate_suite,
    validate_task,
)

__all__ = [
    "ScaffoldRequest",
    "ScaffoldResult",
    "TaskValidation",
    "gold_entities",
    "scaffold",
    "scope_problems",
    "split_diff",
    "validate_suite",
    "validate_task",
]
