"""The person's view of one analysis: every metric a row, findings in their text form."""

from __future__ import annotations

from rich.console import Console

from codebench.analysis import EditAnalysis, Finding, FindingKind
from codebench.report.analysis_view import analysis_table
from codebench.tasks import Scope


def test_findings_show_as_text() -> None:
    analysis = EditAnalysis(
        scope=Scope.GLOBAL,
        files_changed=["pkg/a.py"],
        entities_changed=["pkg/a.py::f"],
        entity_precision=None,
        entity_recall=None,
        file_precision=None,
        file_recall=None,
        out_of_scope_churn=None,
        excess_edit_distance=None,
        cosmetic_entities=[],
        docstring_comment_loss=[],
        renamed_names=[],
        style_drift=0.25,
        style_detail=[],
        stale_call_sites=[
            Finding(path="pkg/a.py", line=12, name="foo", kind=FindingKind.STALE_CALL)
        ],
        undefined_names=[],
        reinvented_helpers=[],
        syntax_errors=[],
    )
    console = Console(width=200, record=True)
    console.print(analysis_table(analysis))
    text = console.export_text()
    assert "pkg/a.py:12 foo()" in text and "path" not in text
    assert "global" in text and "0.250" in text and "pkg/a.py::f" in text
    assert "analysis_version" not in text and "style_detail" not in text
