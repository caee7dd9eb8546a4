from decimal import Decimal

import pytest

from ledgerkit.money import CurrencyMismatchError, Money, format_money, minor_unit, parse_money, round_money, to_money


def test_round_money_rounds_half_up():
    assert round_money(Decimal('2.675'), 'GBP') == Decimal('2.68')
    assert round_money(Decimal('2.665'), 'GBP') == Decimal('2.67')
    assert round_money(Decimal('-2.675'), 'GBP') == Decimal('-2.68')


def test_round_money_uses_minor_units():
    assert round_money(Decimal('10.5'), 'JPY') == Decimal('11')
    assert round_money(Decimal('1.2345'), 'KWD') == Decimal('1.235')
    assert minor_unit('KWD') == Decimal('0.001')


def test_unknown_currency_is_rejected():
    with pytest.raises(ValueError):
        Money(Decimal('1'), 'XXX')


def test_arithmetic():
    a = Money(Decimal('10.10'), 'GBP')
    b = Money(Decimal('0.20'), 'GBP')
    assert a + b == Money(Decimal('10.30'), 'GBP')
    assert a - b == Money(Decimal('9.90'), 'GBP')
    assert -a == Money(Decimal('-10.10'), 'GBP')
    assert a * 3 == Money(Decimal('30.30'), 'GBP')
    assert b < a


def test_mixing_currencies_fails():
    with pytest.raises(CurrencyMismatchError):
        Money(Decimal('1'), 'GBP') + Money(Decimal('1'), 'EUR')


def test_money_keeps_exact_amount_until_rounded():
    price = Money(Decimal('0.0125'), 'GBP')
    assert price.amount == Decimal('0.0125')
    assert price.rounded() == Money(Decimal('0.01'), 'GBP')


def test_allocate_even_split():
    parts = Money(Decimal('90.00'), 'GBP').allocate([1, 1, 1])
    assert parts == [Money(Decimal('30.00'), 'GBP')] * 3


def test_allocate_rejects_bad_ratios():
    with pytest.raises(ValueError):
        Money(Decimal('10'), 'GBP').allocate([0, 0])
    with pytest.raises(ValueError):
        Money(Decimal('10'), 'GBP').allocate([1, -1])


def test_to_money():
    assert to_money('12.50', 'USD') == Money(Decimal('12.50'), 'USD')
    assert to_money(0.1, 'GBP').amount == Decimal('0.1')
    assert to_money(Money(Decimal('3'), 'EUR'), 'EUR') == Money(Decimal('3'), 'EUR')
    with pytest.raises(CurrencyMismatchError):
        to_money(Money(Decimal('3'), 'EUR'), 'GBP')
    with pytest.raises(ValueError):
        to_money('twelve', 'GBP')


def test_parse_money():
    assert parse_money('12.50') == Money(Decimal('12.50'), 'GBP')
    assert parse_money('12.50 eur') == Money(Decimal('12.50'), 'EUR')
    assert parse_money('USD -3.10') == Money(Decimal('-3.10'), 'USD')
    assert parse_money('7', 'JPY') == Money(Decimal('7'), 'JPY')


def test_parse_money_rejects_garbage():
    for text in ('', 'abc', '12.50 GBP extra', '12.50 XXX'):
        with pytest.raises(ValueError):
            parse_money(text)


def test_format_money():
    assert format_money(Money(Decimal('1234.5'), 'GBP')) == '1,234.50 GBP'
    assert format_money(Money(Decimal('-1234.5'), 'JPY')) == '-1,235 JPY'
    assert str(Money(Decimal('0.0005'), 'KWD')) == '0.001 KWD'
