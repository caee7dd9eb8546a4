"""docs/metrics.md as a page beside the leaderboard (`metrics.html`), so that every column's
definition is a link that opens from disk: headings become anchors, the rest is shown as
written (escaped)."""

from __future__ import annotations

import re
from pathlib import Path

from codebench.report.page_assets import STYLE
from codebench.report.page_cells import esc

METRICS_MD = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
_HEADING = re.compile(r"^(#{1,4}) (.*)$")
_ANCHOR = re.compile(r'^<a id="([\w-]+)"></a>\s*$')


def anchor_of(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation but `-` and `_` dropped,
    spaces as `-`."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def render_metrics(markdown: str) -> str:
    """The document as HTML: each heading an anchor (an explicit `<a id>` line before it
    wins), each block of other lines a `<pre>`."""
    parts: list[str] = []
    block: list[str] = []
    pending: str | None = None
    fenced = False
    for line in markdown.splitlines():
        fenced ^= line.startswith("```")
        heading = None if fenced else _HEADING.match(line)
        explicit = None if fenced else _ANCHOR.match(line)
        if explicit:
            pending = explicit.group(1)
            continue
        if heading is None:
            block.append(line)
            continue
        if any(b.strip() for b in block):
            parts.append(f"<pre>{esc(chr(10).join(block).strip(chr(10)))}</pre>")
        block = []
        level, text = len(heading.group(1)), heading.group(2)
        ids = dict.fromkeys([pending or anchor_of(text), anchor_of(text)])
        spans = "".join(f'<span id="{esc(i)}"></span>' for i in list(ids)[1:])
        parts.append(f'<h{level} id="{esc(next(iter(ids)))}">{spans}{esc(text)}</h{level}>')
        pending = None
    if any(b.strip() for b in block):
        parts.append(f"<pre>{esc(chr(10).join(block))}</pre>")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>codebench metrics</title>"
        f"<style>{STYLE}</style></head><body><p><a href='index.html'>&larr; leaderboard</a>"
        f"</p>{''.join(parts)}</body></html>\n"
    )


def metrics_page(source: Path = METRICS_MD) -> str | None:
    """The metrics page, or None when the document is not there (an installed wheel)."""
    try:
        return render_metrics(source.read_text(encoding="utf-8"))
    except OSError:
        return None
