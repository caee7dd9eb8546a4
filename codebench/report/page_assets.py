"""The page's one stylesheet and one script, inlined: the folder opens from disk, offline."""

from __future__ import annotations

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1600px; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #ddd; text-align: right; }
#leaderboard td, #by-scope td, #by-category td { white-space: nowrap; }
th { cursor: pointer; background: #f4f4f4; white-space: nowrap; }
th[data-order=asc]::after { content: " \\25B2"; }
th[data-order=desc]::after { content: " \\25BC"; }
th:focus, a:focus, tr:focus { outline: 2px solid #1a5fb4; }
td:first-child, th:first-child { text-align: left; }
.plots img { max-width: 48%; margin: 0 1% 1rem 0; }
.violation { color: #b00020; font-weight: bold; }
.partial { color: #8a5a00; font-style: italic; }
.unknown { color: #777; font-style: italic; }
.legend dl { columns: 2; max-width: 1200px; }
.legend dt { font-weight: bold; margin-top: .4rem; break-after: avoid; }
.legend dd { margin-left: 1.5rem; }
.filters label { margin-right: 1rem; }
.matrix-box { content-visibility: auto; contain-intrinsic-size: auto 12000px; }
#matrix td { text-align: center; }
#matrix td:first-child { text-align: left; }
.s { display: inline-block; min-width: 1.4rem; padding: 0 .2rem; border-radius: 3px;
     text-decoration: none; color: #fff; font-size: .8rem; }
.s-resolved { background: #2e7d32; } .s-unresolved { background: #c62828; }
.s-empty_patch, .s-malformed_patch, .s-apply_failed { background: #ef6c00; }
.s-integrity_violation { background: #6a1b9a; }
.s-model_error, .s-timeout, .s-sandbox_error { background: #546e7a; }
.s-not_submitted { background: #bbb; color: #222; }
.diff { font-family: ui-monospace, monospace; font-size: .8rem; border-collapse: collapse; }
.diff td { text-align: left; white-space: pre-wrap; border: none; padding: 0 .4rem;
           vertical-align: top; }
.diff .no { color: #999; text-align: right; user-select: none; }
.add { background: #e6ffec; } .del { background: #ffebe9; } .hunk { color: #6a737d; }
.mark { outline: 2px solid #d29922; }
.mark-out_of_scope { background: #fff1c2; } .mark-cosmetic { background: #e8e0ff; }
.mark-lost_comment { background: #ffd6d6; } .mark-stale_call { background: #ffd6f0; }
.mark-style { background: #dff3ff; } .mark-undefined { background: #ffd6f0; }
.why { color: #8a5a00; font-size: .75rem; font-family: system-ui, sans-serif; }
.sides { display: flex; gap: 1rem; align-items: flex-start; }
.sides > section { flex: 1; min-width: 0; overflow-x: auto; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: .5rem; }
details { margin: .3rem 0; } summary { cursor: pointer; }
"""

SCRIPT = """
function sortBy(th) {
  const table = th.closest('table'), body = table.tBodies[0];
  const column = [...th.parentNode.children].indexOf(th);
  const first = th.dataset.better === 'high' ? 'desc' : 'asc';
  const order = th.dataset.order ? (th.dataset.order === 'asc' ? 'desc' : 'asc') : first;
  table.querySelectorAll('th').forEach(other => delete other.dataset.order);
  th.dataset.order = order;
  const sign = order === 'asc' ? 1 : -1;
  const key = row => {
    const cell = row.cells[column];
    if (!cell || !cell.hasAttribute('data-value')) return null;
    const text = cell.dataset.value, value = Number(text);
    return text !== '' && !isNaN(value) ? value : text;
  };
  [...body.rows].map(row => [key(row), row]).sort((a, b) => {
    if (a[0] === null || b[0] === null) return (a[0] === null) - (b[0] === null);
    if (typeof a[0] === 'number' && typeof b[0] === 'number') return (a[0] - b[0]) * sign;
    return String(a[0]).localeCompare(String(b[0])) * sign;
  }).forEach(pair => body.appendChild(pair[1]));
}
document.querySelectorAll('table.sortable th').forEach(th => {
  th.addEventListener('click', () => sortBy(th));
  th.addEventListener('keydown', event => {
    if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(th); }
  });
});
function filterMatrix() {
  const wanted = {};
  document.querySelectorAll('[data-filter]').forEach(input => {
    wanted[input.dataset.filter] = input.value;
  });
  let shown = 0;
  document.querySelectorAll('#matrix tbody tr').forEach(row => {
    const d = row.dataset;
    const ok = (!wanted.scope || d.scope === wanted.scope)
      && (!wanted.category || d.category === wanted.category)
      && (!wanted.repo || d.repo === wanted.repo)
      && (!wanted.status || d.statuses.split(' ').includes(wanted.status))
      && (!wanted.since || (d.date && d.date >= wanted.since));
    row.hidden = !ok;
    shown += ok;
  });
  const counter = document.getElementById('matrix-shown');
  if (counter) counter.textContent = shown;
}
document.querySelectorAll('[data-filter]').forEach(input => {
  input.addEventListener('input', filterMatrix);
  input.addEventListener('change', filterMatrix);
});
"""
