"""Sales invoices and the payments made against them.

An invoice is for one customer in one currency. Each line's net amount is
quantity times unit price, rounded half-up; tax is worked out per line (see
ledgerkit.tax) and the invoice total is net plus tax over all lines.
Invoice numbers look like 'INV-2024-0007'.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ledgerkit.accounts import ACCOUNTS_RECEIVABLE, SALES, VAT_PAYABLE
from ledgerkit.journal import Journal, JournalEntry, credit, debit
from ledgerkit.money import DEFAULT_CURRENCY, Money, format_money, to_money
from ledgerkit.tax import STANDARD, TaxRate, tax_on

CENT = Decimal('0.01')
INVOICE_PREFIX = 'INV'

_INVOICE_NUMBER = re.compile(r'INV-(\d{4})-(\d{4})')


def format_invoice_number(year: int, sequence: int) -> str:
    """Return the number of the ``sequence``-th invoice of ``year``, e.g. 'INV-2024-0007'."""
    return f'{INVOICE_PREFIX}-{year}-{sequence:04d}'


def parse_invoice_number(number: str) -> tuple[int, int]:
    """Split 'INV-2024-0007' into (2024, 7); ValueError if malformed."""
    match = _INVOICE_NUMBER.fullmatch(number)
    if match is None:
        raise ValueError(f'not an invoice number: {number!r}')
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True)
class InvoiceLine:
    """One line of an invoice.

    Attributes:
        description: What is being charged for.
        quantity: How many units.
        unit_price: The net price of one unit.
        tax_rate: The VAT rate that applies.
    """

    description: str
    quantity: Decimal
    unit_price: Money
    tax_rate: TaxRate = STANDARD

    @property
    def net(self) -> Money:
        """Return quantity times unit price, rounded half-up."""
        amount = (self.unit_price.amount * self.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        return Money(amount, self.unit_price.currency)

    @property
    def tax(self) -> Money:
        """Return the tax on the line's net amount."""
        return tax_on(self.net, self.tax_rate)

    @property
    def gross(self) -> Money:
        """Return net plus tax."""
        return self.net + self.tax


@dataclass(frozen=True)
class Payment:
    """A payment of ``amount`` received ``on`` a date."""

    amount: Money
    on: date


class Invoice:
    """A sales invoice.

    Attributes:
        number: The invoice number.
        customer: The customer's name.
        issue_date: The date of issue.
        currency: The invoice currency.
        terms_days: Days allowed for payment after the issue date.
        lines: The invoice lines.
        payments: The payments received so far.
    """

    def __init__(self, number: str, customer: str, issue_date: date,
                 currency: str = DEFAULT_CURRENCY, terms_days: int = 30):
        parse_invoice_number(number)
        if terms_days < 0:
            raise ValueError('payment terms cannot be negative')
        self.number = number
        self.customer = customer
        self.issue_date = issue_date
        self.currency = currency
        self.terms_days = terms_days
        self.lines = []
        self.payments = []

    def add_line(self, description: str, quantity: Decimal | int | str,
                 unit_price: Money | Decimal | int | str, tax_rate: TaxRate = STANDARD) -> InvoiceLine:
        """Add a line to the invoice.

        Args:
            description: What is being charged for.
            quantity: How many units; must be positive.
            unit_price: The net price of one unit, in the invoice currency.
            tax_rate: The VAT rate that applies.

        Returns:
            The new line.

        Raises:
            ValueError: If the quantity is not positive.
        """
        quantity = Decimal(str(quantity))
        if quantity <= 0:
            raise ValueError('quantity must be positive')
        line = InvoiceLine(description, quantity, to_money(unit_price, self.currency), tax_rate)
        self.lines.append(line)
        return line

    @property
    def subtotal(self) -> Money:
        """Return the sum of the lines' net amounts."""
        return sum((line.net for line in self.lines), to_money(0))

    @property
    def tax_total(self) -> Money:
        """Return the sum of the lines' tax."""
        return sum((line.tax for line in self.lines), to_money(0))

    @property
    def total(self) -> Money:
        """Return the amount the customer owes in all."""
        return self.subtotal + self.tax_total

    @property
    def due_date(self) -> date:
        """Return the date payment is due."""
        return self.issue_date + timedelta(days=self.terms_days)

    @property
    def amount_paid(self) -> Money:
        """Return the sum of the payments received."""
        return sum((payment.amount for payment in self.payments), to_money(0))

    @property
    def balance_due(self) -> Money:
        """Return what is still owed."""
        return self.total - self.amount_paid

    @property
    def is_paid(self) -> bool:
        """Return True once nothing is owed."""
        return self.balance_due.is_zero()

    def days_overdue(self, as_of: date) -> int:
        """Return how many days overdue the invoice is at ``as_of``; 0 if paid or not yet due."""
        if self.is_paid:
            return 0
        return max(0, (as_of - self.due_date).days)

    def record_payment(self, amount: Money | Decimal | int | str, on: date) -> Payment:
        """Record a payment from the customer.

        Args:
            amount: The amount received, in the invoice currency.
            on: The date it was received.

        Returns:
            The recorded payment.

        Raises:
            ValueError: If the amount is not positive or exceeds the balance due.
        """
        payment = Payment(to_money(amount, self.currency).rounded(), on)
        if payment.amount.amount <= 0:
            raise ValueError('a payment must be positive')
        if payment.amount > self.balance_due:
            raise ValueError(f'payment exceeds balance due of {format_money(self.balance_due)}')
        self.payments.append(payment)
        return payment

    def post_to(self, journal: Journal) -> JournalEntry:
        """Post the invoice on its issue date: debit receivables, credit sales and VAT.

        Args:
            journal: A journal in the invoice currency.

        Returns:
            The posted entry.
        """
        lines = [debit(ACCOUNTS_RECEIVABLE, self.total), credit(SALES, self.subtotal)]
        if not self.tax_total.is_zero():
            lines.append(credit(VAT_PAYABLE, self.tax_total))
        return journal.post(self.issue_date, lines, f'Invoice {self.number} {self.customer}')
