"""The journal: double-entry postings, balances and period closing.

A journal entry is a dated set of lines, each of which debits or credits
one account. Lines are rounded to the journal currency's minor unit when
they are posted, and an entry must balance (total debits equal total
credits) after that rounding. Entries are numbered 'JE-000001',
'JE-000002', ... in the order they are posted.

Entries belong to the fiscal period of their date (see ledgerkit.periods).
Once a period has been closed nothing more can be posted into it until it
is reopened.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ledgerkit.accounts import ChartOfAccounts, default_chart
from ledgerkit.money import DEFAULT_CURRENCY, Money, format_money, minor_unit
from ledgerkit.periods import fiscal_period, parse_period

ENTRY_ID_PREFIX = 'JE'
ENTRY_ID_DIGITS = 6


class JournalError(Exception):
    """Base class for journal errors."""


class UnbalancedEntryError(JournalError):
    """Raised when an entry's debits and credits differ."""


class PeriodClosedError(JournalError):
    """Raised when posting into a closed period."""


class UnknownAccountError(JournalError):
    """Raised when a line names an account that is not in the chart."""


@dataclass(frozen=True)
class JournalLine:
    """One line of a journal entry.

    Exactly one of ``debit`` and ``credit`` is non-zero, and neither is
    negative. Use :func:`debit` and :func:`credit` to build lines.

    Attributes:
        account: The account code.
        debit: The amount debited to the account.
        credit: The amount credited to the account.
    """

    account: str
    debit: Money
    credit: Money

    def __post_init__(self):
        if self.debit.currency != self.credit.currency:
            raise JournalError('debit and credit must be in the same currency')
        if self.debit.amount < 0 or self.credit.amount < 0:
            raise JournalError('line amounts must not be negative')
        if self.debit.is_zero() == self.credit.is_zero():
            raise JournalError('a line must either debit or credit its account')

    @property
    def currency(self) -> str:
        """Return the currency of the line."""
        return self.debit.currency

    @property
    def net(self) -> Money:
        """Return debit minus credit."""
        return self.debit - self.credit

    def rounded(self) -> 'JournalLine':
        """Return the line with both amounts rounded to the minor unit."""
        return JournalLine(self.account, self.debit.rounded(), self.credit.rounded())


def debit(account: str, amount: Money) -> JournalLine:
    """Return a line that debits ``amount`` to ``account``."""
    return JournalLine(account, amount, Money.zero(amount.currency))


def credit(account: str, amount: Money) -> JournalLine:
    """Return a line that credits ``amount`` to ``account``."""
    return JournalLine(account, Money.zero(amount.currency), amount)


@dataclass(frozen=True)
class JournalEntry:
    """A posted journal entry.

    Attributes:
        entry_id: The entry number, e.g. 'JE-000042'.
        on: The date the entry is booked on.
        memo: A free-text description.
        lines: The entry's lines, in the order they were given.
    """

    entry_id: str
    on: date
    memo: str
    lines: tuple[JournalLine, ...]

    @property
    def period(self) -> str:
        """Return the label of the fiscal period the entry falls in."""
        return fiscal_period(self.on)

    @property
    def currency(self) -> str:
        """Return the currency of the entry."""
        return self.lines[0].currency

    @property
    def total_debits(self) -> Money:
        """Return the sum of the debit side."""
        return sum((line.debit for line in self.lines), Money.zero(self.currency))

    @property
    def total_credits(self) -> Money:
        """Return the sum of the credit side."""
        return sum((line.credit for line in self.lines), Money.zero(self.currency))

    @property
    def is_balanced(self) -> bool:
        """Return True if debits equal credits."""
        return self.total_debits == self.total_credits

    def lines_for(self, account: str) -> list[JournalLine]:
        """Return the lines that post to ``account``."""
        return [line for line in self.lines if line.account == account]



class Journal:
    """An ordered book of journal entries in one currency.

    Attributes:
        chart: The chart of accounts that entries may post to.
        currency: The currency every entry must be in.
    """

    def __init__(self, chart: ChartOfAccounts | None = None, currency: str = DEFAULT_CURRENCY):
        minor_unit(currency)
        self.chart = chart if chart is not None else default_chart()
        self.currency = currency
        self._entries = []
        self._by_id = {}
        self._closed = set()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> list[JournalEntry]:
        """Return all entries in posting order."""
        return list(self._entries)

    def _next_id(self):
        return f'{ENTRY_ID_PREFIX}-{len(self._entries) + 1:0{ENTRY_ID_DIGITS}d}'

    def post(self, on: date, lines: list[JournalLine], memo: str = '') -> JournalEntry:
        """Post a new entry.

        Args:
            on: The booking date; its fiscal period must be open.
            lines: At least two lines, in the journal's currency.
            memo: A free-text description.

        Returns:
            The posted entry, with its new entry id.

        Raises:
            PeriodClosedError: If the date falls in a closed period.
            UnknownAccountError: If a line's account is not in the chart.
            UnbalancedEntryError: If the rounded lines do not balance.
            JournalError: For any other invalid entry.
        """
        if len(lines) < 2:
            raise JournalError('an entry needs at least two lines')
        period = fiscal_period(on)
        if period in self._closed:
            raise PeriodClosedError(f'period {period} is closed')
        booked = []
        for line in lines:
            if line.account not in self.chart:
                raise UnknownAccountError(f'no account {line.account} in the chart')
            if line.currency != self.currency:
                raise JournalError(f'line in {line.currency}, journal is in {self.currency}')
            booked.append(line.rounded())
        entry = JournalEntry(self._next_id(), on, memo, tuple(booked))
        if not entry.is_balanced:
            raise UnbalancedEntryError(
                f'debits {format_money(entry.total_debits)} '
                f'do not equal credits {format_money(entry.total_credits)}'
            )
        self._entries.append(entry)
        self._by_id[entry.entry_id] = entry
        return entry

    def get(self, entry_id: str) -> JournalEntry:
        """Return the entry with the given id; KeyError if there is none."""
        try:
            return self._by_id[entry_id]
        except KeyError:
            raise KeyError(f'no journal entry {entry_id}') from None

    def entries_in_period(self, label: str) -> list[JournalEntry]:
        """Return the entries of one fiscal period, e.g. 'FY25-P03'."""
        parse_period(label)
        return [entry for entry in self._entries if entry.period == label]

    def lines_for(self, account: str, as_of: date | None = None) -> list[tuple[JournalEntry, JournalLine]]:
        """Return every line posted to an account, with its entry.

        Args:
            account: The account code.
            as_of: If given, only entries dated on or before it.

        Returns:
            (entry, line) pairs in posting order.
        """
        found = []
        for entry in self._entries:
            if as_of is not None and entry.on > as_of:
                continue
            found.extend((entry, line) for line in entry.lines_for(account))
        return found

    def balance(self, account: str, as_of: date | None = None) -> Money:
        """Return an account's balance, signed by its normal balance.

        The balance is positive when the account carries its normal balance:
        a debit balance on an asset or expense account, a credit balance on
        a liability, equity or income account.

        Args:
            account: The account code.
            as_of: If given, only entries dated on or before it count.

        Returns:
            The balance in the journal's currency.
        """
        normal = self.chart.get(account).type.normal_balance
        total = Money.zero(self.currency)
        for _, line in self.lines_for(account, as_of):
            total += line.net
        return total if normal == 'debit' else -total

    def period_movement(self, account: str, label: str) -> Money:
        """Return the change in an account during a fiscal period, signed like :meth:`balance`."""
        normal = self.chart.get(account).type.normal_balance
        total = Money.zero(self.currency)
        for entry in self.entries_in_period(label):
            for line in entry.lines_for(account):
                total += line.net
        return total if normal == 'debit' else -total

    def close_period(self, label: str) -> None:
        """Close a fiscal period to further postings."""
        parse_period(label)
        self._closed.add(label)

    def reopen_period(self, label: str) -> None:
        """Reopen a closed fiscal period; JournalError if it is not closed."""
        if label not in self._closed:
            raise JournalError(f'period {label} is not closed')
        self._closed.remove(label)

    def is_closed(self, label: str) -> bool:
        """Return True if a fiscal period is closed."""
        return label in self._closed

    @property
    def closed_periods(self) -> list[str]:
        """Return the closed period labels in calendar order."""
        return sorted(self._closed, key=parse_period)


# ---------------------------------------------------------------------------
# Interchange CSV
#
# Journals travel to and from the bookkeeping importer as CSV in the
# importer's own layout, which is not the spreadsheet layout used by
# ledgerkit.export:
#
#     entry,date,account,amount,currency,memo
#
# * The first row is exactly that header.
# * There is one row per journal line. The rows of an entry are consecutive
#   and repeat the entry's id, date and memo; a new id starts a new entry.
# * date is written day first, DD/MM/YYYY.
# * amount is a signed whole number of minor units of the currency (see
#   ledgerkit.money.MINOR_UNITS): debits are positive, credits negative.
#   '1250' in GBP is a debit of 12.50, '-1250' a credit of 12.50, and '-500'
#   in JPY a credit of 500 yen. A zero amount is not allowed.
# * Fields are quoted the way the csv module quotes them.
# ---------------------------------------------------------------------------

INTERCHANGE_HEADER = ('entry', 'date', 'account', 'amount', 'currency', 'memo')
INTERCHANGE_DATE_FORMAT = '%d/%m/%Y'

_MINOR_AMOUNT = re.compile(r'-?\d+')


def _parse_row(row, number):
    if len(row) != len(INTERCHANGE_HEADER):
        raise JournalError(f'row {number}: expected {len(INTERCHANGE_HEADER)} fields, got {len(row)}')
    entry_id, day, account, amount, currency, memo = row
    try:
        on = datetime.strptime(day, INTERCHANGE_DATE_FORMAT).date()
    except ValueError:
        raise JournalError(f'row {number}: bad date {day!r}') from None
    if not _MINOR_AMOUNT.fullmatch(amount):
        raise JournalError(f'row {number}: amount must be whole minor units, got {amount!r}')
    units = int(amount)
    if units == 0:
        raise JournalError(f'row {number}: zero amount')
    value = Money(Decimal(abs(units)) * minor_unit(currency), currency)
    line = debit(account, value) if units > 0 else credit(account, value)
    return entry_id, on, memo, line


def load_journal_csv(text: str, chart: ChartOfAccounts | None = None) -> Journal:
    """Build a journal from interchange CSV.

    Entries are posted in file order, so they get fresh entry ids.

    Args:
        text: The CSV text, header first.
        chart: The chart of accounts; the default chart if omitted.

    Returns:
        A new journal holding the entries.

    Raises:
        JournalError: If the text is not valid interchange CSV or an entry
            cannot be posted.
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != INTERCHANGE_HEADER:
        raise JournalError('missing interchange header')
    parsed = [_parse_row(row, number) for number, row in enumerate(rows[1:], start=2) if row]
    currencies = {line.currency for _, _, _, line in parsed}
    if len(currencies) > 1:
        raise JournalError(f'mixed currencies: {sorted(currencies)}')
    journal = Journal(chart, currencies.pop() if currencies else DEFAULT_CURRENCY)
    groups = []
    for entry_id, on, memo, line in parsed:
        if groups and groups[-1][0] == entry_id:
            if (groups[-1][1], groups[-1][2]) != (on, memo):
                raise JournalError(f'entry {entry_id}: rows disagree on date or memo')
            groups[-1][3].append(line)
        else:
            groups.append((entry_id, on, memo, [line]))
    for _, on, memo, lines in groups:
        journal.post(on, lines, memo)
    return journal
