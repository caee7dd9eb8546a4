"""Financial reports built from a journal or from invoices."""

from dataclasses import dataclass
from datetime import date

from ledgerkit.accounts import AccountType
from ledgerkit.invoices import Invoice
from ledgerkit.journal import Journal
from ledgerkit.money import Money, to_money

AGING_BUCKETS = (
    ('current', 0),
    ('1-30', 30),
    ('31-60', 60),
    ('61-90', 90),
    ('90+', None),
)


@dataclass(frozen=True)
class TrialBalanceRow:
    """One account's line in a trial balance.

    Attributes:
        code: The account code.
        name: The account name.
        debit: The debit balance, or zero.
        credit: The credit balance, or zero.
    """

    code: str
    name: str
    debit: Money
    credit: Money


def trial_balance(journal: Journal, as_of: date | None = None) -> list[TrialBalanceRow]:
    """Return the trial balance of a journal.

    Accounts without postings are left out.

    Args:
        journal: The journal to report on.
        as_of: If given, only entries dated on or before it count.

    Returns:
        One row per account with postings, ordered by code.
    """
    rows = []
    for account in journal.chart:
        postings = journal.lines_for(account.code, as_of)
        if not postings:
            continue
        net = to_money(0)
        for _, line in postings:
            net += line.net
        if net >= to_money(0):
            rows.append(TrialBalanceRow(account.code, account.name, net, to_money(0)))
        else:
            rows.append(TrialBalanceRow(account.code, account.name, to_money(0), -net))
    return rows


def trial_balance_totals(rows: list[TrialBalanceRow], currency: str) -> tuple[Money, Money]:
    """Return the debit and credit column totals of a trial balance in ``currency``."""
    debits = sum((row.debit for row in rows), Money.zero(currency))
    credits = sum((row.credit for row in rows), Money.zero(currency))
    return debits, credits


def income_statement(journal: Journal, label: str) -> dict[str, Money]:
    """Return income, expenses and net profit for one fiscal period.

    Args:
        journal: The journal to report on.
        label: A period label such as 'FY25-P03'.

    Returns:
        A dict with keys 'income', 'expenses' and 'net_profit'.
    """
    income = to_money(0)
    for account in journal.chart.of_type(AccountType.INCOME):
        income += journal.period_movement(account.code, label)
    expenses = to_money(0)
    for account in journal.chart.of_type(AccountType.EXPENSE):
        expenses += journal.period_movement(account.code, label)
    return {'income': income, 'expenses': expenses, 'net_profit': income - expenses}


def aging_bucket(days_overdue: int) -> str:
    """Return the name of the ``AGING_BUCKETS`` bucket for a number of days overdue."""
    for name, limit in AGING_BUCKETS:
        if limit is None or days_overdue <= limit:
            return name
    raise AssertionError('unreachable')


def aged_receivables(invoices: list[Invoice], as_of: date, currency: str) -> dict[str, Money]:
    """Group what customers still owe by how overdue it is.

    Args:
        invoices: Invoices in one currency.
        as_of: The date to age the invoices at.
        currency: The currency of the invoices.

    Returns:
        The balance due in each aging bucket, every bucket present.
    """
    buckets = {name: Money.zero(currency) for name, _ in AGING_BUCKETS}
    for invoice in invoices:
        if invoice.is_paid or invoice.issue_date > as_of:
            continue
        name = aging_bucket(invoice.days_overdue(as_of))
        buckets[name] += invoice.balance_due
    return buckets
