"""Authoring: turning repositories into tasks (scaffold from a before/after pair, validate)."""

from codebench.authoring.scaffold import ScaffoldRequest, ScaffoldResult, scaffold
from codebench.authoring.split import DiffSplit, is_doc_path, split_diff
from codebench.authoring.validate import (
    TaskValidation,
    gold_entities,
    placeholder_errors,
    scope_problems,
    validate_suite,
    validate_task,
)

__all__ = [
    "DiffSplit",
    "ScaffoldRequest",
    "ScaffoldResult",
    "TaskValidation",
    "gold_entities",
    "is_doc_path",
    "placeholder_errors",
    "scaffold",
    "scope_problems",
    "split_diff",
    "validate_suite",
    "validate_task",
]
