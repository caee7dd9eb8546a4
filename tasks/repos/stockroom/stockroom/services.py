"""Stock operations: receiving, picking, transfers and cycle counts.

Every operation checks its input, changes the levels in the store and
records one Movement per bin it touched. Nothing here saves a JsonFileStore;
that is up to the caller.
"""

import re

import stockroom.errors as errors_mod
import stockroom.models as models_mod
import stockroom.quantities as quantities_mod
import stockroom.skus as skus_mod

LOCATION_RE = re.compile(r'^[A-Z]-\d{2}-\d{2}$')


def _check_location(code) -> str:
  """Canonical location code, or InvalidLocation."""
  text = str(code).strip().upper()
  if not LOCATION_RE.match(text):
    raise errors_mod.InvalidLocation(f'bad location code: {code!r}')
  return text


def _check_qty(qty):
  if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
    raise ValueError(f'quantity must be a positive whole number, got {qty!r}')
  return qty


def _lookup(store, sku) -> models_mod.Item:
  return store.get_item(skus_mod.clean_sku(sku))


def receive(store, sku: str, location: str, qty: int) -> models_mod.Movement:
  """Put qty units of sku into a bin."""
  item = _lookup(store, sku)
  loc = _check_location(location)
  qty = _check_qty(qty)
  store.set_qty(item.sku, loc, store.qty(item.sku, loc) + qty)
  return store.record(models_mod.Movement('receive', item.sku, qty, dst=loc))


def receive_cases(store, sku, location, case_count):
  """Receive whole or quarter cases; converted to units the house way."""
  item = _lookup(store, sku)
  units = quantities_mod.units_for_cases(case_count, item.case_size)
  return receive(store, item.sku, location, units)


def pick(store, sku: str, qty: int, location=None) -> list:
  """Take qty units of sku out of stock; returns the pick movements.

  With a location everything comes from that bin. Without one, bins are
  emptied in location-code order until the quantity is met. If there is not
  enough stock, InsufficientStock is raised and nothing changes.
  """
  item = _lookup(store, sku)
  qty = _check_qty(qty)
  if location is None:
    bins = store.locations_for(item.sku)
  else:
    loc = _check_location(location)
    bins = [(loc, store.qty(item.sku, loc))]
  available = sum(on_hand for _, on_hand in bins)
  if available < qty:
    raise errors_mod.InsufficientStock(
        f'cannot pick {qty} of {item.sku}: only {available} available')
  moves = []
  remaining = qty
  for loc, on_hand in bins:
    if remaining == 0:
      break
    take = min(on_hand, remaining)
    store.set_qty(item.sku, loc, on_hand - take)
    moves.append(
        store.record(models_mod.Movement('pick', item.sku, take, src=loc)))
    remaining -= take
  return moves


def transfer(store, sku, src, dst, qty) -> models_mod.Movement:
  """Move qty units of sku from bin src to bin dst."""
  item = _lookup(store, sku)
  src_loc = _check_location(src)
  dst_loc = _check_location(dst)
  qty = _check_qty(qty)
  src_qty = store.qty(item.sku, src_loc)
  dst_qty = store.qty(item.sku, dst_loc)
  if src_qty < qty:
    raise errors_mod.InsufficientStock(
        f'cannot move {qty} of {item.sku} from {src_loc}: only {src_qty} there')
  store.set_qty(item.sku, src_loc, src_qty - qty)
  store.set_qty(item.sku, dst_loc, dst_qty + qty)
  return store.record(
      models_mod.Movement('transfer', item.sku, qty, src=src_loc, dst=dst_loc))


def count(store, sku, location, counted: int):
  """Record a cycle count of one bin and set its level to what was counted.

  Returns the 'adjust' movement (qty is counted minus expected), or None
  when the count matched the books.
  """
  item = _lookup(store, sku)
  loc = _check_location(location)
  if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
    raise ValueError(f'a count must be a whole number >= 0, got {counted!r}')
  expected = store.qty(item.sku, loc)
  if counted == expected:
    return None
  store.set_qty(item.sku, loc, counted)
  return store.record(
      models_mod.Movement('adjust', item.sku, counted - expected, dst=loc))


def empty_bin(store, location, dst):
  """Transfer everything in one bin to another; returns the transfers."""
  src_loc = _check_location(location)
  moves = []
  for item_sku, loc, qty in store.levels():
    if loc == src_loc:
      moves.append(transfer(store, item_sku, src_loc, dst, qty))
  return moves
