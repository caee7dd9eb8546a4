from datetime import date
from decimal import Decimal

import pytest

from ledgerkit.accounts import BANK, OWNER_EQUITY, RENT, SALES
from ledgerkit.journal import (
    Journal, JournalError, PeriodClosedError, UnbalancedEntryError, UnknownAccountError, credit, debit,
)
from ledgerkit.money import Money


def gbp(text):
    return Money(Decimal(text), 'GBP')


def test_post_numbers_entries():
    journal = Journal()
    first = journal.post(date(2024, 4, 2), [debit(BANK, gbp('1000')), credit(OWNER_EQUITY, gbp('1000'))], 'Capital')
    second = journal.post(date(2024, 4, 3), [debit(RENT, gbp('400')), credit(BANK, gbp('400'))], 'Rent')
    assert (first.entry_id, second.entry_id) == ('JE-000001', 'JE-000002')
    assert journal.get('JE-000002') is second
    assert len(journal) == 2
    assert first.period == 'FY25-P01'


def test_unbalanced_entry_is_rejected():
    journal = Journal()
    with pytest.raises(UnbalancedEntryError):
        journal.post(date(2024, 4, 2), [debit(BANK, gbp('10')), credit(SALES, gbp('9.99'))])
    assert len(journal) == 0


def test_lines_are_rounded_when_posted():
    journal = Journal()
    entry = journal.post(date(2024, 4, 2), [debit(BANK, gbp('10.004')), credit(SALES, gbp('10.00'))])
    assert entry.lines[0].debit == gbp('10.00')
    assert entry.is_balanced


def test_unknown_account_and_currency():
    journal = Journal()
    with pytest.raises(UnknownAccountError):
        journal.post(date(2024, 4, 2), [debit('1999', gbp('1')), credit(SALES, gbp('1'))])
    usd = Money(Decimal('1'), 'USD')
    with pytest.raises(JournalError):
        journal.post(date(2024, 4, 2), [debit(BANK, usd), credit(SALES, usd)])


def test_line_must_have_one_side():
    with pytest.raises(JournalError):
        debit(BANK, gbp('0'))
    with pytest.raises(JournalError):
        credit(BANK, gbp('-5'))


def test_balances_follow_normal_balance():
    journal = Journal()
    journal.post(date(2024, 4, 2), [debit(BANK, gbp('1000')), credit(OWNER_EQUITY, gbp('1000'))])
    journal.post(date(2024, 5, 2), [debit(RENT, gbp('400')), credit(BANK, gbp('400'))])
    assert journal.balance(BANK) == gbp('600')
    assert journal.balance(OWNER_EQUITY) == gbp('1000')
    assert journal.balance(BANK, as_of=date(2024, 4, 30)) == gbp('1000')
    assert journal.period_movement(RENT, 'FY25-P02') == gbp('400')


def test_entries_in_period():
    journal = Journal()
    journal.post(date(2024, 4, 30), [debit(BANK, gbp('1')), credit(SALES, gbp('1'))])
    journal.post(date(2024, 5, 1), [debit(BANK, gbp('2')), credit(SALES, gbp('2'))])
    assert [entry.entry_id for entry in journal.entries_in_period('FY25-P02')] == ['JE-000002']


def test_closed_period_refuses_postings():
    journal = Journal()
    journal.close_period('FY25-P01')
    assert journal.is_closed('FY25-P01')
    with pytest.raises(PeriodClosedError):
        journal.post(date(2024, 4, 2), [debit(BANK, gbp('1')), credit(SALES, gbp('1'))])
    journal.reopen_period('FY25-P01')
    journal.post(date(2024, 4, 2), [debit(BANK, gbp('1')), credit(SALES, gbp('1'))])
    with pytest.raises(JournalError):
        journal.reopen_period('FY25-P01')


def test_closed_periods_are_listed_in_order():
    journal = Journal()
    journal.close_period('FY25-P02')
    journal.close_period('FY24-P12')
    assert journal.closed_periods == ['FY24-P12', 'FY25-P02']

