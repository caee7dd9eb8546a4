"""Quantities in units and in cases.

Stock is always held in whole units, but people count in cases. A partial
case is expressed in quarters and always rounded DOWN to the quarter below,
so that no figure ever promises stock the shelf may not have: 11 units of a
4-unit case are 2.75 cases, 7 units of a 12-unit case are 0.5 cases (not
0.58), and 2 units of a 12-unit case are 0 cases.
"""

QUARTERS = 4  # partial cases are counted in quarters


def cases(units: int, case_size: int) -> float:
  """Units expressed in cases, rounded down to a quarter case."""
  if case_size < 1:
    raise ValueError(f'case size must be at least 1, got {case_size!r}')
  quarters = (units * QUARTERS) // case_size
  return quarters / QUARTERS


def format_cases(value: float) -> str:
  """A case count without trailing zeros: '3', '2.75', '0.5'."""
  return f'{value:.2f}'.rstrip('0').rstrip('.')


def units_for_cases(case_count, case_size):
  """Whole units in case_count cases; case_count must be whole quarters."""
  quarters = case_count * QUARTERS
  if quarters <= 0 or quarters != int(quarters):
    raise ValueError(
        f'cases must be a positive number of quarter cases, got {case_count!r}')
  return int(quarters) * case_size // QUARTERS


def describe(units: int, case_size: int) -> str:
  """'11 units (2.75 cases)', or just '11 units' for single-unit items."""
  label = 'unit' if units == 1 else 'units'
  if case_size == 1:
    return f'{units} {label}'
  return f'{units} {label} ({format_cases(cases(units, case_size))} cases)'
