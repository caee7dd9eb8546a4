import json

import pytest

import stockroom.cli as cli_mod
import stockroom.storage as storage_mod


@pytest.fixture
def run(db_path, capsys):
  def _run(*argv):
    code = cli_mod.main(['--db', db_path, *argv])
    out, err = capsys.readouterr()
    return code, out, err
  return _run


@pytest.fixture
def stocked(run):
  run('item', 'add', 'BLT-0042', 'Bolt M4', '--case-size', '50', '--reorder', '100')
  run('item', 'add', 'NUT-0007', 'Nut M4', '--case-size', '12')
  run('receive', 'BLT-0042', 'A-01-01', '120')
  run('receive', 'NUT-0007', 'b-02-03', '7')
  return run


def test_item_add_and_list(run):
  assert run('item', 'add', 'BLT-0042', 'Bolt M4', '--case-size', '50')[0] == 0
  code, out, _ = run('item', 'list')
  assert code == 0
  assert 'BLT-0042' in out and 'Bolt M4' in out


def test_receive_saves_the_file(stocked, db_path):
  with open(db_path, encoding='utf-8') as fh:
    data = json.load(fh)
  assert data['levels'] == [['BLT-0042', 'A-01-01', 120], ['NUT-0007', 'B-02-03', 7]]


def test_receive_cases(stocked, db_path):
  code, out, _ = stocked('receive', 'NUT-0007', 'B-02-03', '1.5', '--cases')
  assert code == 0
  assert 'received 18 NUT-0007' in out
  assert storage_mod.JsonFileStore(db_path).qty('NUT-0007', 'B-02-03') == 25


def test_pick_move_and_count(stocked, db_path):
  assert stocked('pick', 'BLT-0042', '20')[0] == 0
  assert stocked('move', 'BLT-0042', 'A-01-01', 'A-01-02', '50')[0] == 0
  code, out, _ = stocked('count', 'BLT-0042', 'A-01-02', '48')
  assert code == 0 and 'by -2' in out
  store = storage_mod.JsonFileStore(db_path)
  assert store.locations_for('BLT-0042') == [('A-01-01', 50), ('A-01-02', 48)]


def test_show(stocked):
  code, out, _ = stocked('show', 'NUT-0007')
  assert code == 0
  assert 'B-02-03  7 units (0.5 cases)' in out


def test_errors_exit_with_status_1(stocked, db_path):
  code, _, err = stocked('pick', 'BLT-0042', '500')
  assert code == 1
  assert err.startswith('error:')
  assert stocked('receive', 'BLT-0042', 'A-01-01', '2.5')[0] == 1
  assert storage_mod.JsonFileStore(db_path).total_qty('BLT-0042') == 120


def test_bad_location_is_a_usage_error(stocked):
  with pytest.raises(SystemExit) as exc:
    stocked('receive', 'BLT-0042', 'A1', '5')
  assert exc.value.code == 2


def test_reports(stocked):
  code, out, _ = stocked('report', 'stock', '--location', 'b-02-03')
  assert code == 0
  assert 'NUT-0007' in out and 'BLT-0042' not in out
  code, out, _ = stocked('report', 'moves')
  assert 'totals: receive 127' in out
  code, out, _ = stocked('report', 'low')
  assert 'BLT-0042' not in out
