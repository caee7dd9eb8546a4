from datetime import date
from decimal import Decimal

import pytest

from ledgerkit.journal import JournalError, load_journal_csv
from ledgerkit.money import Money

SAMPLE = '''entry,date,account,amount,currency,memo
A1,02/04/2024,1200,100000,GBP,Owner capital
A1,02/04/2024,3000,-100000,GBP,Owner capital
A2,15/05/2024,6000,40050,GBP,"Rent, May"
A2,15/05/2024,1200,-40050,GBP,"Rent, May"
'''


def test_load_journal_csv():
    journal = load_journal_csv(SAMPLE)
    assert len(journal) == 2
    rent = journal.entries[1]
    assert rent.on == date(2024, 5, 15)
    assert rent.memo == 'Rent, May'
    assert rent.lines[0].debit == Money(Decimal('400.50'), 'GBP')
    assert rent.lines[1].credit == Money(Decimal('400.50'), 'GBP')
    assert journal.balance('1200') == Money(Decimal('599.50'), 'GBP')


def test_load_journal_csv_whole_units_currency():
    text = 'entry,date,account,amount,currency,memo\nX,01/07/2024,1200,500,JPY,Sale\nX,01/07/2024,4000,-500,JPY,Sale\n'
    journal = load_journal_csv(text)
    assert journal.currency == 'JPY'
    assert journal.balance('4000') == Money(Decimal('500'), 'JPY')


def test_load_journal_csv_rejects_decimal_amounts():
    text = 'entry,date,account,amount,currency,memo\nX,01/07/2024,1200,5.00,GBP,Sale\nX,01/07/2024,4000,-5.00,GBP,Sale\n'
    with pytest.raises(JournalError):
        load_journal_csv(text)


def test_load_journal_csv_needs_header():
    with pytest.raises(JournalError):
        load_journal_csv('X,01/07/2024,1200,500,GBP,Sale\n')
