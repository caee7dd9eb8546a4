"""Where stock lives between runs.

Two stores share one interface. MemoryStore keeps items, stock levels and
the movement log in plain dicts and lists; the services and most tests use
it directly. JsonFileStore is a MemoryStore that reads itself from a stock
file when it is opened and writes itself back on save().

Stock levels are kept per (sku, location) pair. A bin that drops to zero is
forgotten rather than kept with a zero, so levels() only lists bins that
actually hold something.

Stock file format
-----------------

The current format, version 2, is one JSON object::

  {
    "version": 2,
    "items": [{"sku": "BLT-0042", "name": "Bolt M4", "case_size": 50,
               "reorder_point": 100}, ...],
    "levels": [["BLT-0042", "A-01-01", 120], ...],
    "movements": [{"seq": 1, "kind": "receive", "sku": "BLT-0042",
                   "qty": 120, "src": null, "dst": "A-01-01"}, ...]
  }

Levels are [sku, location, quantity] triples, sorted; empty bins are not
written. Movements are listed oldest first.

Version 1 files, written by stockroom 0.3 and earlier, have no "version"
key. They can still be opened: they are upgraded in memory and written back
as version 2 on the next save(). They differ from version 2 in three ways:

* item records spell the case size "case" and the reorder point "min";
  either may be missing, meaning 1 and 0 respectively;
* "levels" is an object mapping "LOCATION:SKU" (location first) to the
  quantity, e.g. {"A-01-01:BLT-0042": 120};
* there is no "movements" list; the history starts empty.
"""

import dataclasses
import json
import os
import re

import stockroom.errors as errors_mod
import stockroom.models as models_mod
import stockroom.skus as skus_mod

FORMAT_VERSION = 2
LOCATION_PATTERN = re.compile(r'^[A-Z]-\d{2}-\d{2}$')


def _valid_location(code) -> str:
  """The stripped, upper-cased location code; InvalidLocation if malformed."""
  cleaned = str(code).strip().upper()
  if LOCATION_PATTERN.match(cleaned) is None:
    raise errors_mod.InvalidLocation(f'bad location code: {code!r}')
  return cleaned


class MemoryStore:
  """Items, stock levels and the movement log, held in memory."""

  def __init__(self):
    self._items = {}
    self._levels = {}
    self._movements = []

  # Items.

  def add_item(self, item: models_mod.Item) -> None:
    if item.sku in self._items:
      raise errors_mod.StockroomError(f'item {item.sku} already exists')
    self._items[item.sku] = item

  def get_item(self, sku) -> models_mod.Item:
    key = skus_mod.clean_sku(sku)
    try:
      return self._items[key]
    except KeyError:
      raise errors_mod.UnknownItem(f'no item with SKU {key}') from None

  def update_item(self, sku, **changes):
    """Replace some fields of an item; the SKU itself cannot change."""
    if 'sku' in changes:
      raise ValueError('the SKU of an item cannot be changed')
    item = dataclasses.replace(self.get_item(sku), **changes)
    self._items[item.sku] = item
    return item

  def remove_item(self, sku) -> None:
    """Forget an item; only allowed once none of it is left in stock."""
    item = self.get_item(sku)
    if self.total_qty(item.sku):
      raise errors_mod.StockroomError(f'{item.sku} still has stock on hand')
    del self._items[item.sku]

  def items(self):
    """All items, sorted by SKU."""
    return [self._items[sku] for sku in sorted(self._items)]

  # Stock levels.

  def qty(self, sku, location) -> int:
    """Units of sku in one bin (0 if the bin holds none)."""
    return self._levels.get((sku, _valid_location(location)), 0)

  def set_qty(self, sku, location, qty: int) -> None:
    """Set the level of one bin; 0 empties it."""
    loc = _valid_location(location)
    item = self.get_item(sku)
    if not isinstance(qty, int) or qty < 0:
      raise errors_mod.StorageError(
          f'bad quantity {qty!r} for {item.sku} at {loc}')
    if qty == 0:
      self._levels.pop((item.sku, loc), None)
    else:
      self._levels[(item.sku, loc)] = qty

  def levels(self, sku=None) -> list:
    """(sku, location, qty) for every non-empty bin, sorted."""
    return sorted(
        (item_sku, loc, qty)
        for (item_sku, loc), qty in self._levels.items()
        if sku is None or item_sku == sku)

  def locations_for(self, sku) -> list:
    """(location, qty) pairs of the bins holding sku, in location order."""
    return [(loc, qty) for _, loc, qty in self.levels(sku)]

  def total_qty(self, sku) -> int:
    return sum(qty for _, qty in self.locations_for(sku))

  def locations(self):
    """Every location that holds some stock, sorted."""
    return sorted({loc for (_, loc) in self._levels})

  # Movement log.

  def record(self, movement: models_mod.Movement) -> models_mod.Movement:
    """Append a movement to the log, numbering it; returns the stored one."""
    stamped = dataclasses.replace(movement, seq=len(self._movements) + 1)
    self._movements.append(stamped)
    return stamped

  def movements(self, sku=None, kind=None):
    """The movement log, oldest first, optionally filtered."""
    return [
        m for m in self._movements
        if (sku is None or m.sku == sku) and (kind is None or m.kind == kind)]


def _item_to_dict(item):
  return {
      'sku': item.sku,
      'name': item.name,
      'case_size': item.case_size,
      'reorder_point': item.reorder_point,
  }


def _item_from_dict(record) -> models_mod.Item:
  return models_mod.Item(
      sku=record['sku'],
      name=record['name'],
      case_size=record.get('case_size', 1),
      reorder_point=record.get('reorder_point', 0))


def _movement_to_dict(movement):
  return {
      'seq': movement.seq,
      'kind': movement.kind,
      'sku': movement.sku,
      'qty': movement.qty,
      'src': movement.src,
      'dst': movement.dst,
  }


def _movement_from_dict(record) -> models_mod.Movement:
  return models_mod.Movement(
      kind=record['kind'],
      sku=record['sku'],
      qty=record['qty'],
      src=record.get('src'),
      dst=record.get('dst'),
      seq=record.get('seq', 0))


def dump_state(store: MemoryStore) -> dict:
  """The whole store as a version 2 stock file object."""
  return {
      'version': FORMAT_VERSION,
      'items': [_item_to_dict(item) for item in store.items()],
      'levels': [list(level) for level in store.levels()],
      'movements': [_movement_to_dict(m) for m in store.movements()],
  }


def open_store(path=None):
  """A JsonFileStore for path, or a fresh MemoryStore when path is None."""
  if path is None:
    return MemoryStore()
  return JsonFileStore(path)


class JsonFileStore(MemoryStore):
  """A MemoryStore read from, and saved to, a JSON stock file.

  A missing file is fine: the store starts empty and save() creates it.
  """

  def __init__(self, path):
    super().__init__()
    self.path = os.fspath(path)
    if os.path.exists(self.path):
      self._load()

  def save(self) -> None:
    """Write the store to its file, replacing the old file atomically."""
    tmp_path = f'{self.path}.tmp'
    try:
      with open(tmp_path, 'w', encoding='utf-8') as fh:
        json.dump(dump_state(self), fh, indent=2, sort_keys=True)
        fh.write('\n')
      os.replace(tmp_path, self.path)
    except OSError as exc:
      raise errors_mod.StorageError(f'cannot write {self.path}: {exc}') from exc

  def _load(self):
    try:
      with open(self.path, encoding='utf-8') as fh:
        data = json.load(fh)
    except (OSError, ValueError) as exc:
      raise errors_mod.StorageError(f'cannot read {self.path}: {exc}') from exc
    if not isinstance(data, dict):
      raise errors_mod.StorageError(f'{self.path} is not a stock file')
    version = data.get('version', 1)
    if version != FORMAT_VERSION:
      raise errors_mod.StorageError(
          f'unsupported stock file version {version} in {self.path}')
    for record in data.get('items', []):
      self.add_item(_item_from_dict(record))
    for sku, location, qty in data.get('levels', []):
      self.set_qty(sku, location, qty)
    for record in data.get('movements', []):
      self._movements.append(_movement_from_dict(record))
