"""Authoring: turning repositories into tasks (mine a history, import SWE-bench instances,
scaffold from a before/after pair, synthesize known corruptions, validate)."""

from codebench.authoring.import_swebench import (
    ImportedTask,
    ImportRequest,
    ImportSummary,
    import_swebench,
)
from codebench.authoring.instructions import Draft, Instructor, draft_from_message, model_instructor
from codebench.authoring.mine import Decision, MinedCommit, MineRequest, MiningSummary, mine
from codebench.authoring.reasons import Reason, Rejection
from codebench.authoring.scaffold import ScaffoldRequest, ScaffoldResult, scaffold
from codebench.authoring.split import DiffSplit, is_doc_path, split_diff
from codebench.authoring.swebench_file import BadEntry, ImportReason
from codebench.authoring.synth import SynthDecision, SynthRequest, SynthSummary, SynthTask, synth
from codebench.authoring.validate import (
    TaskValidation,
    gold_entities,
    placeholder_errors,
    scope_problems,
    validate_suite,
    validate_task,
)

__all__ = [
    "BadEntry",
    "Decision",
    "DiffSplit",
    "Draft",
    "ImportReason",
    "ImportRequest",
    "ImportSummary",
    "ImportedTask",
    "Instructor",
    "MineRequest",
    "MinedCommit",
    "MiningSummary",
    "Reason",
    "Rejection",
    "ScaffoldRequest",
    "ScaffoldResult",
    "SynthDecision",
    "SynthRequest",
    "SynthSummary",
    "SynthTask",
    "TaskValidation",
    "draft_from_message",
    "gold_entities",
    "import_swebench",
    "is_doc_path",
    "mine",
    "model_instructor",
    "placeholder_errors",
    "scaffold",
    "scope_problems",
    "split_diff",
    "synth",
    "validate_suite",
    "validate_task",
]
