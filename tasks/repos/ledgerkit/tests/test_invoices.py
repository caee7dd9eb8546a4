from datetime import date
from decimal import Decimal

import pytest

from ledgerkit.journal import Journal
from ledgerkit.money import Money
from ledgerkit.invoices import Invoice, InvoiceLine, format_invoice_number, parse_invoice_number
from ledgerkit.tax import REDUCED, STANDARD, ZERO


def gbp(text):
    return Money(Decimal(text), 'GBP')


def make_invoice():
    invoice = Invoice('INV-2024-0001', 'Acme Ltd', date(2024, 6, 3))
    invoice.add_line('Consulting', 3, '450.00')
    invoice.add_line('Books', 2, '12.495', REDUCED)
    return invoice


def test_invoice_numbers():
    assert format_invoice_number(2024, 7) == 'INV-2024-0007'
    assert parse_invoice_number('INV-2024-0007') == (2024, 7)
    with pytest.raises(ValueError):
        Invoice('2024-7', 'Acme Ltd', date(2024, 6, 3))


def test_line_amounts():
    line = InvoiceLine('Widget', Decimal('3'), gbp('0.125'), STANDARD)
    assert line.net == gbp('0.38')
    assert line.tax == gbp('0.08')
    assert line.gross == gbp('0.46')


def test_invoice_totals():
    invoice = make_invoice()
    assert invoice.subtotal == gbp('1374.99')
    assert invoice.tax_total == gbp('271.25')
    assert invoice.total == gbp('1646.24')


def test_due_date_and_overdue_days():
    invoice = make_invoice()
    assert invoice.due_date == date(2024, 7, 3)
    assert invoice.days_overdue(date(2024, 7, 3)) == 0
    assert invoice.days_overdue(date(2024, 7, 13)) == 10


def test_payments_reduce_balance():
    invoice = make_invoice()
    invoice.record_payment('1000', date(2024, 7, 1))
    assert invoice.balance_due == gbp('646.24')
    invoice.record_payment('646.24', date(2024, 7, 5))
    assert invoice.is_paid
    assert invoice.days_overdue(date(2024, 9, 1)) == 0


def test_overpayment_is_refused():
    invoice = make_invoice()
    with pytest.raises(ValueError):
        invoice.record_payment('5000', date(2024, 7, 1))
    with pytest.raises(ValueError):
        invoice.record_payment('0', date(2024, 7, 1))


def test_post_to_journal():
    journal = Journal()
    entry = make_invoice().post_to(journal)
    assert entry.is_balanced
    assert journal.balance('1100') == gbp('1646.24')
    assert journal.balance('4000') == gbp('1374.99')
    assert journal.balance('2200') == gbp('271.25')
    assert entry.memo == 'Invoice INV-2024-0001 Acme Ltd'


def test_zero_rated_invoice_posts_without_vat_line():
    journal = Journal()
    invoice = Invoice('INV-2024-0002', 'Export Co', date(2024, 6, 3))
    invoice.add_line('Freight', 1, '80', ZERO)
    entry = invoice.post_to(journal)
    assert len(entry.lines) == 2

