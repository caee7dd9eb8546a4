import pytest

import stockroom.quantities as quantities_mod


@pytest.mark.parametrize('units, case_size, expected', [
    (12, 12, 1.0),
    (11, 4, 2.75),
    (7, 12, 0.5),
    (2, 12, 0.0),
    (120, 50, 2.25),
    (0, 6, 0.0),
])
def test_cases_round_down_to_quarters(units, case_size, expected):
  assert quantities_mod.cases(units, case_size) == expected


def test_cases_needs_a_case_size():
  with pytest.raises(ValueError):
    quantities_mod.cases(3, 0)


def test_format_cases():
  assert quantities_mod.format_cases(3.0) == '3'
  assert quantities_mod.format_cases(2.75) == '2.75'
  assert quantities_mod.format_cases(0.5) == '0.5'


def test_units_for_cases():
  assert quantities_mod.units_for_cases(2, 12) == 24
  assert quantities_mod.units_for_cases(1.25, 12) == 15
  assert quantities_mod.units_for_cases(0.25, 6) == 1
  with pytest.raises(ValueError):
    quantities_mod.units_for_cases(0.3, 12)
  with pytest.raises(ValueError):
    quantities_mod.units_for_cases(0, 12)


def test_describe():
  assert quantities_mod.describe(11, 4) == '11 units (2.75 cases)'
  assert quantities_mod.describe(1, 1) == '1 unit'
