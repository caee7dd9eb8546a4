"""A diff as an HTML table, each line numbered, the analyzer's marks on their lines."""

from __future__ import annotations

from codebench.report.diff_lines import DiffLine, LineKind
from codebench.report.diff_marks import Mark, Marked, MarkKind
from codebench.report.page_cells import esc

PREFIX = {LineKind.ADDED: "+", LineKind.REMOVED: "-", LineKind.CONTEXT: " "}
MARK_NAMES = {
    MarkKind.OUT_OF_SCOPE: "out of scope: a definition the gold patch leaves alone",
    MarkKind.COSMETIC: "cosmetic only: the definition's code is unchanged, only its layout",
    MarkKind.LOST_COMMENT: "lost comment or docstring",
    MarkKind.STALE_CALL: "stale call site: still calls the old signature",
    MarkKind.UNDEFINED: "broken name, import or syntax",
    MarkKind.STYLE: "style break against the repository's own convention",
}


def _row(line: DiffLine, marks: tuple[Mark, ...]) -> str:
    old = "" if line.old is None else line.old
    new = "" if line.new is None else line.new
    if not marks:  # most lines: the short way
        text = esc(PREFIX.get(line.kind, "") + line.text)
        return (
            f'<tr class="{line.kind.value}"><td class="no">{old}</td><td class="no">{new}</td>'
            f"<td>{text}</td></tr>"
        )
    css = [line.kind.value]
    if marks:
        css += ["mark", *(f"mark-{m.kind.value}" for m in marks)]
    kinds = " ".join(dict.fromkeys(m.kind.value for m in marks))
    data = f' data-marks="{kinds}"' if kinds else ""
    why = "".join(f'<div class="why">{esc(m.kind.value)}: {esc(m.why)}</div>' for m in marks)
    text = esc(PREFIX.get(line.kind, "") + line.text)
    return (
        f'<tr class="{" ".join(css)}"{data}><td class="no">{old}</td><td class="no">{new}</td>'
        f"<td>{text}{why}</td></tr>"
    )


def diff_table(lines: list[DiffLine], marked: Marked | None = None, table_id: str = "") -> str:
    """The diff as a table (old number, new number, line); marked lines carry their kinds."""
    marks = marked.marks if marked is not None else {}
    rows = "\n".join(_row(line, marks.get(i, ())) for i, line in enumerate(lines))
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return f'<table class="diff"{ident}><tbody>\n{rows}\n</tbody></table>'


def marks_legend(marked: Marked) -> str:
    """The kinds of mark this diff carries, and the findings without a line in it."""
    kinds = dict.fromkeys(m.kind for found in marked.marks.values() for m in found)
    items = "".join(
        f'<li><span class="mark-{k.value}">{esc(k.value)}</span>: {esc(MARK_NAMES[k])}</li>'
        for k in kinds
    )
    shown = f"<ul>{items}</ul>" if items else "<p>No finding of the analyzer falls on a line.</p>"
    if marked.elsewhere:
        rest = "".join(f"<li>{esc(text)}</li>" for text in marked.elsewhere)
        shown += f"<p>Elsewhere in the repository:</p><ul id='elsewhere'>{rest}</ul>"
    return shown
