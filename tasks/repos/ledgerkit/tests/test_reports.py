from datetime import date
from decimal import Decimal

from ledgerkit.accounts import BANK, OWNER_EQUITY, RENT, SALES
from ledgerkit.invoices import Invoice
from ledgerkit.journal import Journal, credit, debit
from ledgerkit.money import Money
from ledgerkit.reports import aged_receivables, aging_bucket, income_statement, trial_balance, trial_balance_totals


def gbp(text):
    return Money(Decimal(text), 'GBP')


def sample_journal():
    journal = Journal()
    journal.post(date(2024, 4, 2), [debit(BANK, gbp('1000')), credit(OWNER_EQUITY, gbp('1000'))])
    journal.post(date(2024, 4, 20), [debit(BANK, gbp('300')), credit(SALES, gbp('300'))])
    journal.post(date(2024, 5, 2), [debit(RENT, gbp('400')), credit(BANK, gbp('400'))])
    journal.post(date(2024, 5, 9), [debit(BANK, gbp('250')), credit(SALES, gbp('250'))])
    return journal


def test_trial_balance():
    rows = trial_balance(sample_journal())
    assert [row.code for row in rows] == ['1200', '3000', '4000', '6000']
    assert rows[0].debit == gbp('1150') and rows[0].credit.is_zero()
    assert rows[2].credit == gbp('550')
    debits, credits = trial_balance_totals(rows, 'GBP')
    assert debits == credits == gbp('1550')


def test_trial_balance_as_of():
    rows = trial_balance(sample_journal(), as_of=date(2024, 4, 30))
    assert [row.code for row in rows] == ['1200', '3000', '4000']


def test_income_statement():
    statement = income_statement(sample_journal(), 'FY25-P02')
    assert statement == {'income': gbp('250'), 'expenses': gbp('400'), 'net_profit': gbp('-150')}


def test_aging_bucket_edges():
    assert aging_bucket(0) == 'current'
    assert aging_bucket(1) == '1-30'
    assert aging_bucket(30) == '1-30'
    assert aging_bucket(31) == '31-60'
    assert aging_bucket(91) == '90+'


def test_aged_receivables():
    old = Invoice('INV-2024-0001', 'Acme Ltd', date(2024, 4, 1))
    old.add_line('Work', 1, '100')
    recent = Invoice('INV-2024-0002', 'Bolt plc', date(2024, 6, 1))
    recent.add_line('Work', 1, '50')
    buckets = aged_receivables([old, recent], date(2024, 6, 15), 'GBP')
    assert buckets['current'] == gbp('60')
    assert buckets['31-60'] == gbp('120')
    assert buckets['90+'].is_zero()
