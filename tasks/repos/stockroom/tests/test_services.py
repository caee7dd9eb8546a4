import pytest

import stockroom.errors as errors_mod
import stockroom.services as services_mod


def test_receive_adds_to_the_bin(store):
  services_mod.receive(store, 'BLT-0042', 'A-01-01', 20)
  move = services_mod.receive(store, 'BLT-0042', 'a-01-01', 5)
  assert store.qty('BLT-0042', 'A-01-01') == 25
  assert (move.kind, move.qty, move.dst, move.seq) == ('receive', 5, 'A-01-01', 2)


@pytest.mark.parametrize('qty', [0, -3, 2.5, True])
def test_receive_rejects_bad_quantities(store, qty):
  with pytest.raises(ValueError):
    services_mod.receive(store, 'BLT-0042', 'A-01-01', qty)


def test_receive_rejects_unknown_items_and_bad_locations(store):
  with pytest.raises(errors_mod.UnknownItem):
    services_mod.receive(store, 'ZZZ-0001', 'A-01-01', 1)
  with pytest.raises(errors_mod.InvalidLocation):
    services_mod.receive(store, 'BLT-0042', 'dock', 1)


def test_receive_cases(store):
  move = services_mod.receive_cases(store, 'NUT-0007', 'A-01-01', 1.25)
  assert move.qty == 15


def test_pick_from_one_bin(store):
  services_mod.receive(store, 'BLT-0042', 'A-01-01', 20)
  services_mod.receive(store, 'BLT-0042', 'B-01-01', 20)
  moves = services_mod.pick(store, 'BLT-0042', 8, location='B-01-01')
  assert [(m.src, m.qty) for m in moves] == [('B-01-01', 8)]
  assert store.qty('BLT-0042', 'B-01-01') == 12


def test_pick_spreads_over_bins_in_location_order(store):
  services_mod.receive(store, 'BLT-0042', 'B-01-01', 10)
  services_mod.receive(store, 'BLT-0042', 'A-02-01', 4)
  services_mod.receive(store, 'BLT-0042', 'A-01-05', 3)
  moves = services_mod.pick(store, 'BLT-0042', 9)
  assert [(m.src, m.qty) for m in moves] == [('A-01-05', 3), ('A-02-01', 4), ('B-01-01', 2)]
  assert store.levels('BLT-0042') == [('BLT-0042', 'B-01-01', 8)]


def test_short_pick_changes_nothing(store):
  services_mod.receive(store, 'BLT-0042', 'A-01-01', 5)
  with pytest.raises(errors_mod.InsufficientStock):
    services_mod.pick(store, 'BLT-0042', 6)
  assert store.qty('BLT-0042', 'A-01-01') == 5
  assert len(store.movements()) == 1


def test_transfer(store):
  services_mod.receive(store, 'BLT-0042', 'A-01-01', 20)
  move = services_mod.transfer(store, 'BLT-0042', 'A-01-01', 'c-03-02', 15)
  assert store.locations_for('BLT-0042') == [('A-01-01', 5), ('C-03-02', 15)]
  assert (move.kind, move.src, move.dst, move.qty) == ('transfer', 'A-01-01', 'C-03-02', 15)


def test_transfer_needs_enough_stock(store):
  services_mod.receive(store, 'BLT-0042', 'A-01-01', 2)
  with pytest.raises(errors_mod.InsufficientStock):
    services_mod.transfer(store, 'BLT-0042', 'A-01-01', 'A-01-02', 3)
  assert store.locations_for('BLT-0042') == [('A-01-01', 2)]


def test_count_adjusts_to_what_was_counted(store):
  services_mod.receive(store, 'NUT-0007', 'A-01-01', 10)
  assert services_mod.count(store, 'NUT-0007', 'A-01-01', 10) is None
  move = services_mod.count(store, 'NUT-0007', 'A-01-01', 7)
  assert (move.kind, move.qty) == ('adjust', -3)
  assert store.qty('NUT-0007', 'A-01-01') == 7
  services_mod.count(store, 'NUT-0007', 'A-01-01', 0)
  assert store.levels() == []


def test_empty_bin(store):
  services_mod.receive(store, 'BLT-0042', 'A-01-01', 4)
  services_mod.receive(store, 'NUT-0007', 'A-01-01', 6)
  moves = services_mod.empty_bin(store, 'A-01-01', 'B-01-01')
  assert len(moves) == 2
  assert store.locations() == ['B-01-01']
