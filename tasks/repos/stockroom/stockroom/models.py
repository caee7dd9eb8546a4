"""Plain records: stocked items and stock movements."""

import dataclasses

import stockroom.errors as errors_mod
import stockroom.skus as skus_mod

MOVEMENT_KINDS = ('receive', 'pick', 'transfer', 'adjust')


@dataclasses.dataclass(frozen=True)
class Item:
  """A stocked product, identified by its canonical SKU."""

  sku: str
  name: str
  case_size: int = 1
  reorder_point: int = 0

  def __post_init__(self):
    if not skus_mod.is_valid_sku(self.sku):
      raise errors_mod.InvalidSku(f'not a canonical SKU: {self.sku!r}')
    if not self.name.strip():
      raise ValueError('an item needs a name')
    if self.case_size < 1:
      raise ValueError(f'case size must be at least 1, got {self.case_size}')
    if self.reorder_point < 0:
      raise ValueError('reorder point cannot be negative')


@dataclasses.dataclass(frozen=True)
class Movement:
  """One change to stock in one bin (two bins for a transfer).

  qty is positive, except for 'adjust' movements, where it is the signed
  difference a stock count found. seq is assigned by the store.
  """

  kind: str
  sku: str
  qty: int
  src: str | None = None
  dst: str | None = None
  seq: int = 0

  def __post_init__(self):
    if self.kind not in MOVEMENT_KINDS:
      raise ValueError(f'unknown movement kind {self.kind!r}')

  @property
  def locations(self) -> tuple:
    """The bins this movement touched."""
    return tuple(loc for loc in (self.src, self.dst) if loc is not None)
