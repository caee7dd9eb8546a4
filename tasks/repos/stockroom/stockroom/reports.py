"""Read-only views of a store: rows (lists of dicts) and plain-text tables."""

import stockroom.quantities as quantities_mod


def zone_of(location: str) -> str:
  """The zone letter of a location code: 'B' for 'B-04-02'."""
  return location.split('-', 1)[0]


def stock_report(store, sku=None, location=None) -> list:
  """One row per non-empty bin, sorted by SKU then location."""
  rows = []
  for item_sku, loc, qty in store.levels(sku):
    if location is not None and loc != location:
      continue
    item = store.get_item(item_sku)
    rows.append({
        'sku': item_sku,
        'name': item.name,
        'location': loc,
        'zone': zone_of(loc),
        'qty': qty,
    })
  return rows


def low_stock(store) -> list:
  """Items whose total on hand is at or below their reorder point.

  Items with a reorder point of 0 are not tracked and never listed.
  """
  rows = []
  for item in store.items():
    if item.reorder_point == 0:
      continue
    on_hand = store.total_qty(item.sku)
    if on_hand <= item.reorder_point:
      rows.append({
          'sku': item.sku,
          'name': item.name,
          'on_hand': on_hand,
          'cases': quantities_mod.cases(on_hand, item.case_size),
          'reorder_point': item.reorder_point,
      })
  return rows


def movement_report(store, sku=None, kind=None):
  """The movement log as rows, oldest first."""
  return [
      {
          'seq': m.seq,
          'kind': m.kind,
          'sku': m.sku,
          'qty': m.qty,
          'src': m.src,
          'dst': m.dst,
      }
      for m in store.movements(sku=sku, kind=kind)]


def movement_totals(store, sku=None):
  """Units moved per movement kind; adjustments are netted."""
  totals = {}
  for m in store.movements(sku=sku):
    totals[m.kind] = totals.get(m.kind, 0) + m.qty
  return totals


def _cell(value):
  if value is None:
    return '-'
  if isinstance(value, float):
    return quantities_mod.format_cases(value)
  return str(value)


def render_table(rows, columns) -> str:
  """Rows as an aligned text table; numbers are right-aligned."""
  if not rows:
    return '(nothing to report)'
  cells = [[_cell(row.get(col)) for col in columns] for row in rows]
  widths = [
      max(len(col), *(len(line[i]) for line in cells))
      for i, col in enumerate(columns)]
  numeric = [
      all(isinstance(row.get(col), (int, float)) for row in rows)
      for col in columns]
  header = '  '.join(col.upper().ljust(w) for col, w in zip(columns, widths))
  lines = [header.rstrip()]
  for line in cells:
    parts = []
    for text, width, right in zip(line, widths, numeric):
      parts.append(text.rjust(width) if right else text.ljust(width))
    lines.append('  '.join(parts).rstrip())
  return '\n'.join(lines)
