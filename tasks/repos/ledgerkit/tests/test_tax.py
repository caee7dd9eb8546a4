from decimal import Decimal

import pytest

from ledgerkit.money import Money
from ledgerkit.tax import REDUCED, STANDARD, ZERO, TaxRate, gross_from_net, net_from_gross, tax_on


def gbp(text):
    return Money(Decimal(text), 'GBP')


def test_tax_on_rounds_half_up():
    assert tax_on(gbp('10.00'), STANDARD) == gbp('2.00')
    assert tax_on(gbp('0.125'), STANDARD) == gbp('0.03')
    assert tax_on(gbp('12.50'), REDUCED) == gbp('0.63')
    assert tax_on(gbp('99.99'), ZERO) == gbp('0')


def test_gross_from_net():
    assert gross_from_net(gbp('100'), STANDARD) == gbp('120')


def test_net_from_gross():
    assert net_from_gross(gbp('120.00'), STANDARD) == gbp('100.00')
    assert net_from_gross(gbp('10.00'), STANDARD) == gbp('8.33')


def test_rate_must_be_a_fraction():
    assert STANDARD.percent == Decimal('20')
    with pytest.raises(ValueError):
        TaxRate('X', Decimal('20'), 'Wrong')
