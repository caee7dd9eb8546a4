"""CSV exports.

The spreadsheet exports here write ISO dates (YYYY-MM-DD) and plain decimal
amounts rounded to the currency's minor unit, so that they open cleanly in
any spreadsheet program.
"""

import csv
import io

from ledgerkit.invoices import Invoice
from ledgerkit.money import round_money
from ledgerkit.reports import TrialBalanceRow

INVOICE_COLUMNS = ('number', 'customer', 'issue_date', 'due_date', 'currency', 'net', 'tax', 'total', 'balance_due')
TRIAL_BALANCE_COLUMNS = ('code', 'name', 'debit', 'credit')


def _amount(money):
    return str(round_money(money.amount, money.currency))


def _write(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def export_invoices_csv(invoices: list[Invoice]) -> str:
    """Return spreadsheet CSV with a header row and one row per invoice."""
    rows = [
        (
            invoice.number,
            invoice.customer,
            invoice.issue_date.isoformat(),
            invoice.due_date.isoformat(),
            invoice.currency,
            _amount(invoice.subtotal),
            _amount(invoice.tax_total),
            _amount(invoice.total),
            _amount(invoice.balance_due),
        )
        for invoice in invoices
    ]
    return _write(INVOICE_COLUMNS, rows)


def export_trial_balance_csv(rows: list[TrialBalanceRow]) -> str:
    """Return a trial balance as spreadsheet CSV, leaving zero amounts blank."""
    return _write(TRIAL_BALANCE_COLUMNS, [
        (row.code, row.name, _blank_if_zero(row.debit), _blank_if_zero(row.credit))
        for row in rows
    ])


def _blank_if_zero(money):
    return '' if money.is_zero() else _amount(money)
