import csv
import io
from datetime import date

from ledgerkit.export import export_invoices_csv, export_trial_balance_csv
from ledgerkit.invoices import Invoice
from ledgerkit.reports import TrialBalanceRow
from ledgerkit.money import Money


def test_export_invoices_csv():
    invoice = Invoice('INV-2024-0003', 'Acme, Ltd', date(2024, 6, 3))
    invoice.add_line('Work', 2, '10.005')
    rows = list(csv.reader(io.StringIO(export_invoices_csv([invoice]))))
    assert rows[0][:3] == ['number', 'customer', 'issue_date']
    assert rows[1] == ['INV-2024-0003', 'Acme, Ltd', '2024-06-03', '2024-07-03', 'GBP', '20.01', '4.00', '24.01', '24.01']


def test_export_trial_balance_csv_blanks_zeros():
    rows = [
        TrialBalanceRow('1200', 'Bank', Money('12.5', 'GBP'), Money('0', 'GBP')),
        TrialBalanceRow('4000', 'Sales', Money('0', 'GBP'), Money('12.5', 'GBP')),
    ]
    text = export_trial_balance_csv(rows)
    assert text == 'code,name,debit,credit\n1200,Bank,12.50,\n4000,Sales,,12.50\n'
