import stockroom.reports as reports_mod
import stockroom.services as services_mod


def _stock(store):
  services_mod.receive(store, 'BLT-0042', 'A-01-01', 120)
  services_mod.receive(store, 'BLT-0042', 'B-04-02', 30)
  services_mod.receive(store, 'WSH-0100-LG', 'B-04-02', 9)
  services_mod.pick(store, 'BLT-0042', 100)


def test_zone_of():
  assert reports_mod.zone_of('B-04-02') == 'B'


def test_stock_report(store):
  _stock(store)
  rows = reports_mod.stock_report(store)
  assert [(r['sku'], r['location'], r['zone'], r['qty']) for r in rows] == [
      ('BLT-0042', 'A-01-01', 'A', 20),
      ('BLT-0042', 'B-04-02', 'B', 30),
      ('WSH-0100-LG', 'B-04-02', 'B', 9),
  ]
  assert reports_mod.stock_report(store, location='A-01-01')[0]['name'] == 'Bolt M4'
  assert len(reports_mod.stock_report(store, sku='WSH-0100-LG')) == 1


def test_low_stock(store):
  _stock(store)
  rows = reports_mod.low_stock(store)
  assert [(r['sku'], r['on_hand'], r['cases']) for r in rows] == [
      ('BLT-0042', 50, 1.0), ('WSH-0100-LG', 9, 2.25)]


def test_movement_report_and_totals(store):
  _stock(store)
  rows = reports_mod.movement_report(store, kind='pick')
  assert [(r['seq'], r['src'], r['qty']) for r in rows] == [(4, 'A-01-01', 100)]
  assert reports_mod.movement_totals(store) == {'receive': 159, 'pick': 100}


def test_render_table():
  rows = [
      {'sku': 'BLT-0042', 'qty': 5, 'src': None},
      {'sku': 'NUT-0007', 'qty': 120, 'src': 'A-01-01'},
  ]
  assert reports_mod.render_table(rows, ['sku', 'qty', 'src']).splitlines() == [
      'SKU       QTY  SRC',
      'BLT-0042    5  -',
      'NUT-0007  120  A-01-01',
  ]
  assert reports_mod.render_table([], ['sku']) == '(nothing to report)'
