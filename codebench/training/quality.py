"""How cleanly an attempt edited, read from its `EditAnalysis`: the measures the export's
filters and the reward share."""

from __future__ import annotations

from codebench.analysis import EditAnalysis
from codebench.training.records import Filters


def finding_count(analysis: EditAnalysis) -> int:
    """The analyzer's findings against the edit: stale call sites, undefined names, syntax
    errors, re-implemented helpers, cosmetic-only entities, lost docstrings or comments and
    renames the task did not need."""
    return (
        len(analysis.stale_call_sites)
        + len(analysis.undefined_names)
        + len(analysis.syntax_errors)
        + len(analysis.reinvented_helpers)
        + len(analysis.cosmetic_entities)
        + len(analysis.docstring_comment_loss)
        + len(analysis.renamed_names)
    )


def is_clean(analysis: EditAnalysis | None, filters: Filters) -> bool:
    """Whether an edit passes every threshold of `filters` (no analysis: not known clean; a
    measure the analyzer could not compute, e.g. drift of a file without style, passes)."""
    if analysis is None:
        return False
    churn, drift = analysis.out_of_scope_churn, analysis.style_drift
    if (
        filters.max_out_of_scope_churn is not None
        and (churn or 0.0) > filters.max_out_of_scope_churn
    ):
        return False
    if filters.max_style_drift is not None and (drift or 0.0) > filters.max_style_drift:
        return False
    return filters.max_findings is None or finding_count(analysis) <= filters.max_findings


def edit_order(analysis: EditAnalysis | None) -> tuple[float, float, int]:
    """Sorts better edits first: less churn, less drift, fewer findings."""
    if analysis is None:
        return (1.0, 1.0, 1 << 30)
    return (
        analysis.out_of_scope_churn or 0.0,
        analysis.style_drift or 0.0,
        finding_count(analysis),
    )
