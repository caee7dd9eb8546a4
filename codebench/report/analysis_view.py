"""A person's view of one patch's analysis."""

from __future__ import annotations

from rich.table import Table

from codebench.analysis import EditAnalysis

LIST_PREVIEW = 6
UNLISTED = frozenset({"style_detail", "analysis_version"})  # own rows below; not a metric


def _show(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        if not value:
            return "none"
        shown = [str(v) for v in value[:LIST_PREVIEW]]
        more = f"\n(+{len(value) - LIST_PREVIEW} more)" if len(value) > LIST_PREVIEW else ""
        return "\n".join(shown) + more
    return str(value)


def analysis_table(analysis: EditAnalysis) -> Table:
    """Every metric of an analysis, one row each, style drift with its worst conventions."""
    table = Table(title="edit analysis", title_justify="left", show_lines=False)
    table.add_column("metric")
    table.add_column("value", overflow="fold")
    for name in EditAnalysis.model_fields:
        if name not in UNLISTED:
            table.add_row(name, _show(getattr(analysis, name)))
    broken = [d for d in analysis.style_detail if d.breaking_share > 0]
    for drift in sorted(broken, key=lambda d: -d.breaking_share):
        note = (
            f"{drift.breaking_share:.0%} of {drift.added_observations} break {drift.repo_value!r}"
        )
        table.add_row(f"  style: {drift.convention}", f"{note} (repo {drift.consistency:.0%})")
    return table
