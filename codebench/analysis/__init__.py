"""Analysis of how a patch edits: edited entities and scope, irrelevant edits against the gold
patch, style drift against the repository's own conventions, and cross-file context."""

from codebench.analysis.analyze import EditAnalysis, analyze, prepare_snapshot
from codebench.analysis.diffs import AnalysisInputError
from codebench.analysis.entities import Entity, changed_entities, classify_scope
from codebench.analysis.failure import AnalysisFailure
from codebench.analysis.findings import Finding, FindingKind
from codebench.analysis.repo import RepoTree
from codebench.analysis.version import ANALYSIS_VERSION

__all__ = [
    "ANALYSIS_VERSION",
    "AnalysisFailure",
    "AnalysisInputError",
    "EditAnalysis",
    "Entity",
    "Finding",
    "FindingKind",
    "RepoTree",
    "analyze",
    "changed_entities",
    "classify_scope",
    "prepare_snapshot",
]
