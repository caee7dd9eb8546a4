import json

import pytest

import stockroom.errors as errors_mod
import stockroom.models as models_mod
import stockroom.storage as storage_mod


def test_levels_and_totals(store):
  store.set_qty('BLT-0042', 'B-02-01', 30)
  store.set_qty('BLT-0042', 'a-01-01', 20)
  store.set_qty('NUT-0007', 'A-01-01', 5)
  assert store.qty('BLT-0042', 'A-01-01') == 20
  assert store.locations_for('BLT-0042') == [('A-01-01', 20), ('B-02-01', 30)]
  assert store.total_qty('BLT-0042') == 50
  assert store.locations() == ['A-01-01', 'B-02-01']


def test_zero_empties_a_bin(store):
  store.set_qty('BLT-0042', 'A-01-01', 20)
  store.set_qty('BLT-0042', 'A-01-01', 0)
  assert store.levels() == []


def test_set_qty_rejects_bad_input(store):
  with pytest.raises(errors_mod.InvalidLocation):
    store.set_qty('BLT-0042', 'A-1-1', 3)
  with pytest.raises(errors_mod.StorageError):
    store.set_qty('BLT-0042', 'A-01-01', -1)
  with pytest.raises(errors_mod.UnknownItem):
    store.set_qty('ZZZ-0001', 'A-01-01', 1)


def test_items(store):
  assert [item.sku for item in store.items()] == ['BLT-0042', 'NUT-0007', 'WSH-0100-LG']
  with pytest.raises(errors_mod.StockroomError):
    store.add_item(models_mod.Item('BLT-0042', 'Again'))
  updated = store.update_item('BLT-0042', reorder_point=40)
  assert store.get_item('BLT-0042') == updated
  assert updated.reorder_point == 40


def test_remove_item_needs_empty_stock(store):
  store.set_qty('NUT-0007', 'A-01-01', 5)
  with pytest.raises(errors_mod.StockroomError):
    store.remove_item('NUT-0007')
  store.set_qty('NUT-0007', 'A-01-01', 0)
  store.remove_item('NUT-0007')
  with pytest.raises(errors_mod.UnknownItem):
    store.get_item('NUT-0007')


def test_record_numbers_movements(store):
  first = store.record(models_mod.Movement('receive', 'BLT-0042', 5, dst='A-01-01'))
  second = store.record(models_mod.Movement('pick', 'BLT-0042', 2, src='A-01-01'))
  assert (first.seq, second.seq) == (1, 2)
  assert store.movements(kind='pick') == [second]


def test_json_round_trip(db_path):
  saved = storage_mod.JsonFileStore(db_path)
  saved.add_item(models_mod.Item('BLT-0042', 'Bolt M4', 50, 100))
  saved.set_qty('BLT-0042', 'A-01-01', 120)
  saved.record(models_mod.Movement('receive', 'BLT-0042', 120, dst='A-01-01'))
  saved.save()
  loaded = storage_mod.JsonFileStore(db_path)
  assert loaded.items() == saved.items()
  assert loaded.levels() == [('BLT-0042', 'A-01-01', 120)]
  assert loaded.movements() == saved.movements()
  with open(db_path, encoding='utf-8') as fh:
    assert json.load(fh)['version'] == storage_mod.FORMAT_VERSION


def test_missing_file_is_an_empty_store(db_path):
  assert storage_mod.JsonFileStore(db_path).items() == []


def test_unreadable_files(db_path):
  with open(db_path, 'w', encoding='utf-8') as fh:
    fh.write('{not json')
  with pytest.raises(errors_mod.StorageError):
    storage_mod.JsonFileStore(db_path)
  with open(db_path, 'w', encoding='utf-8') as fh:
    json.dump({'version': 9, 'items': []}, fh)
  with pytest.raises(errors_mod.StorageError):
    storage_mod.JsonFileStore(db_path)


def test_open_store(db_path):
  assert type(storage_mod.open_store()) is storage_mod.MemoryStore
  assert isinstance(storage_mod.open_store(db_path), storage_mod.JsonFileStore)
