"""Command-line interface.

  stockroom [--db FILE] item add SKU NAME [--case-size N] [--reorder N]
  stockroom [--db FILE] item list
  stockroom [--db FILE] receive SKU LOCATION QTY [--cases]
  stockroom [--db FILE] pick SKU QTY [--from LOCATION]
  stockroom [--db FILE] move SKU FROM TO QTY
  stockroom [--db FILE] count SKU LOCATION COUNTED
  stockroom [--db FILE] show SKU
  stockroom [--db FILE] report {stock,low,moves} [--sku SKU] [--location LOC]

The stock file is --db, else $STOCKROOM_DB, else stockroom.json in the
current directory. Commands that change stock save the file when they
succeed; errors are printed to stderr with exit status 1.
"""

import argparse
import os
import re
import sys

import stockroom.errors as errors_mod
import stockroom.models as models_mod
import stockroom.quantities as quantities_mod
import stockroom.reports as reports_mod
import stockroom.services as services_mod
import stockroom.skus as skus_mod
import stockroom.storage as storage_mod

DEFAULT_DB = 'stockroom.json'
LOC_RE = re.compile(r'^[A-Z]-\d{2}-\d{2}$')
STOCK_COLUMNS = ['sku', 'name', 'location', 'qty']
LOW_COLUMNS = ['sku', 'name', 'on_hand', 'cases', 'reorder_point']
MOVE_COLUMNS = ['seq', 'kind', 'sku', 'qty', 'src', 'dst']


def _location_arg(text: str) -> str:
  """argparse type for location codes."""
  code = text.strip().upper()
  if LOC_RE.match(code) is None:
    raise argparse.ArgumentTypeError(f'bad location code: {text!r}')
  return code


def _count_arg(text):
  """argparse type for whole, non-negative numbers."""
  try:
    value = int(text)
  except ValueError:
    raise argparse.ArgumentTypeError(f'not a whole number: {text!r}') from None
  if value < 0:
    raise argparse.ArgumentTypeError(f'must not be negative: {text!r}')
  return value


def _cmd_item_add(store, args):
  item = models_mod.Item(
      skus_mod.clean_sku(args.sku), args.name, args.case_size, args.reorder)
  store.add_item(item)
  print(f'added {item.sku} {item.name}')
  return True


def _cmd_item_list(store, args):
  rows = [
      {'sku': item.sku, 'name': item.name, 'case_size': item.case_size,
       'on_hand': store.total_qty(item.sku)}
      for item in store.items()]
  print(reports_mod.render_table(rows, ['sku', 'name', 'case_size', 'on_hand']))
  return False


def _cmd_receive(store, args):
  if args.cases:
    move = services_mod.receive_cases(store, args.sku, args.location, args.qty)
  elif args.qty != int(args.qty):
    raise ValueError(f'not a whole number of units: {args.qty:g}')
  else:
    move = services_mod.receive(store, args.sku, args.location, int(args.qty))
  print(f'received {move.qty} {move.sku} into {move.dst}')
  return True


def _cmd_pick(store, args):
  for move in services_mod.pick(store, args.sku, args.qty, args.location):
    print(f'picked {move.qty} {move.sku} from {move.src}')
  return True


def _cmd_move(store, args):
  move = services_mod.transfer(store, args.sku, args.src, args.dst, args.qty)
  print(f'moved {move.qty} {move.sku} from {move.src} to {move.dst}')
  return True


def _cmd_count(store, args):
  move = services_mod.count(store, args.sku, args.location, args.counted)
  if move is None:
    print('count matches')
    return False
  print(f'adjusted {move.sku} at {move.dst} by {move.qty:+d}')
  return True


def _cmd_show(store, args):
  item = store.get_item(args.sku)
  print(f'{item.sku}  {item.name}')
  print(f'case size {item.case_size}, reorder at {item.reorder_point}')
  for loc, qty in store.locations_for(item.sku):
    print(f'  {loc}  {quantities_mod.describe(qty, item.case_size)}')
  total = store.total_qty(item.sku)
  print(f'total: {quantities_mod.describe(total, item.case_size)}')
  return False


def _cmd_report(store, args):
  sku = skus_mod.clean_sku(args.sku) if args.sku else None
  if args.kind == 'stock':
    rows = reports_mod.stock_report(store, sku=sku, location=args.location)
    print(reports_mod.render_table(rows, STOCK_COLUMNS))
  elif args.kind == 'low':
    print(reports_mod.render_table(reports_mod.low_stock(store), LOW_COLUMNS))
  else:
    rows = reports_mod.movement_report(store, sku=sku)
    print(reports_mod.render_table(rows, MOVE_COLUMNS))
    totals = reports_mod.movement_totals(store, sku=sku)
    if totals:
      print('totals: ' + ', '.join(
          f'{kind} {totals[kind]}' for kind in sorted(totals)))
  return False


def build_parser() -> argparse.ArgumentParser:
  parser = argparse.ArgumentParser(
      prog='stockroom', description='Warehouse stock keeping.')
  parser.add_argument('--db', help='stock file (default: $STOCKROOM_DB)')
  commands = parser.add_subparsers(dest='command', required=True)

  item = commands.add_parser('item', help='manage items')
  item_commands = item.add_subparsers(dest='item_command', required=True)
  add = item_commands.add_parser('add', help='register an item')
  add.add_argument('sku')
  add.add_argument('name')
  add.add_argument('--case-size', type=_count_arg, default=1)
  add.add_argument('--reorder', type=_count_arg, default=0)
  add.set_defaults(handler=_cmd_item_add)
  listing = item_commands.add_parser('list', help='list items')
  listing.set_defaults(handler=_cmd_item_list)

  receive = commands.add_parser('receive', help='receive stock into a bin')
  receive.add_argument('sku')
  receive.add_argument('location', type=_location_arg)
  receive.add_argument('qty', type=float)
  receive.add_argument(
      '--cases', action='store_true', help='QTY is in cases, not units')
  receive.set_defaults(handler=_cmd_receive)

  pick = commands.add_parser('pick', help='pick stock')
  pick.add_argument('sku')
  pick.add_argument('qty', type=_count_arg)
  pick.add_argument('--from', dest='location', type=_location_arg)
  pick.set_defaults(handler=_cmd_pick)

  move = commands.add_parser('move', help='move stock between bins')
  move.add_argument('sku')
  move.add_argument('src', type=_location_arg)
  move.add_argument('dst', type=_location_arg)
  move.add_argument('qty', type=_count_arg)
  move.set_defaults(handler=_cmd_move)

  count = commands.add_parser('count', help='record a cycle count')
  count.add_argument('sku')
  count.add_argument('location', type=_location_arg)
  count.add_argument('counted', type=_count_arg)
  count.set_defaults(handler=_cmd_count)

  show = commands.add_parser('show', help='show one item')
  show.add_argument('sku')
  show.set_defaults(handler=_cmd_show)

  report = commands.add_parser('report', help='print a report')
  report.add_argument('kind', choices=['stock', 'low', 'moves'])
  report.add_argument('--sku')
  report.add_argument('--location', type=_location_arg)
  report.set_defaults(handler=_cmd_report)
  return parser


def main(argv=None) -> int:
  args = build_parser().parse_args(argv)
  path = args.db or os.environ.get('STOCKROOM_DB') or DEFAULT_DB
  try:
    store = storage_mod.JsonFileStore(path)
    if args.handler(store, args):
      store.save()
  except (errors_mod.StockroomError, ValueError) as exc:
    print(f'error: {exc}', file=sys.stderr)
    return 1
  return 0
