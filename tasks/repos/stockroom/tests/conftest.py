import pytest

import stockroom.models as models_mod
import stockroom.storage as storage_mod


@pytest.fixture
def store():
  """A MemoryStore with three items and no stock."""
  mem = storage_mod.MemoryStore()
  mem.add_item(models_mod.Item('BLT-0042', 'Bolt M4', 50, 100))
  mem.add_item(models_mod.Item('NUT-0007', 'Nut M4', 12, 0))
  mem.add_item(models_mod.Item('WSH-0100-LG', 'Washer, large', 4, 10))
  return mem


@pytest.fixture
def db_path(tmp_path):
  return str(tmp_path / 'stock.json')
