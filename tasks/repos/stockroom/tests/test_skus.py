import pytest

import stockroom.errors as errors_mod
import stockroom.skus as skus_mod


@pytest.mark.parametrize('raw, expected', [
    ('BLT-0042', 'BLT-0042'),
    ('blt-0042', 'BLT-0042'),
    ('  blt 42 ', 'BLT-0042'),
    ('BLT_42_lg', 'BLT-0042-LG'),
    ('nut7', 'NUT-0007'),
    ('WSH-0100-X1', 'WSH-0100-X1'),
])
def test_normalize_sku(raw, expected):
  assert skus_mod.normalize_sku(raw) == expected


@pytest.mark.parametrize('raw', ['', 'BL-0042', 'BLT-00421', 'BLT-0042-LONG', '42', None])
def test_normalize_sku_rejects(raw):
  with pytest.raises(errors_mod.InvalidSku):
    skus_mod.normalize_sku(raw)


def test_is_valid_sku():
  assert skus_mod.is_valid_sku('BLT-0042')
  assert skus_mod.is_valid_sku('BLT-0042-LG')
  assert not skus_mod.is_valid_sku('blt-0042')
  assert not skus_mod.is_valid_sku('BLT-42')


def test_family_and_variant():
  assert skus_mod.sku_family('wsh 100 lg') == 'WSH'
  assert skus_mod.sku_variant('wsh 100 lg') == 'LG'
  assert skus_mod.sku_variant('BLT-0042') is None


def test_clean_sku_is_deprecated():
  with pytest.warns(DeprecationWarning):
    assert skus_mod.clean_sku(' blt-0042 ') == 'BLT-0042'
