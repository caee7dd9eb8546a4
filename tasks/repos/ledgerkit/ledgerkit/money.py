"""Money amounts and the ledger's rounding rule.

Every amount in ledgerkit is a :class:`Money`: a ``Decimal`` amount tagged
with an ISO 4217 currency code. Amounts stay exact while they are being
worked on (a unit price may carry extra decimal places) and are rounded when
a figure is booked or shown.

The ledger rounds in one place only, :func:`round_money`: half-up (a tie goes
away from zero) to the currency's minor unit as listed in ``MINOR_UNITS``.
Python's ``round`` (half-even) is never used for money.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DEFAULT_CURRENCY = 'GBP'

MINOR_UNITS = {'AUD': 2, 'CAD': 2, 'CHF': 2, 'EUR': 2, 'GBP': 2, 'JPY': 0, 'KWD': 3, 'USD': 2}


class CurrencyMismatchError(ValueError):
    """Raised when amounts in two different currencies are combined."""


def minor_units(currency: str) -> int:
    """Return how many decimal places a currency uses; ValueError if it is unknown."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValueError(f'unknown currency: {currency!r}') from None


def minor_unit(currency: str) -> Decimal:
    """Return the smallest amount of a currency, e.g. Decimal('0.01') for GBP."""
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(value: Decimal | int | str, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """Round an amount the ledger's way: half-up to the currency's minor unit.

    Args:
        value: The amount to round.
        currency: The currency whose minor unit applies.

    Returns:
        The rounded amount, e.g. Decimal('2.68') for '2.675' in GBP.
    """
    return Decimal(value).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def _to_decimal(value):
    if isinstance(value, bool):
        raise TypeError('a bool is not an amount')
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(f'not a number: {value!r}') from None
    if not number.is_finite():
        raise ValueError(f'not a finite number: {value!r}')
    return number


@dataclass(frozen=True)
class Money:
    """An amount of money in one currency.

    Attributes:
        amount: The exact amount; see :meth:`rounded`.
        currency: The ISO 4217 currency code.
    """

    amount: Decimal
    currency: str

    def __post_init__(self):
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, 'amount', _to_decimal(self.amount))
        minor_units(self.currency)

    @classmethod
    def zero(cls, currency: str) -> 'Money':
        """Return a zero amount of a currency."""
        return cls(Decimal(0), currency)

    def rounded(self) -> 'Money':
        """Return the amount rounded with :func:`round_money`."""
        return Money(round_money(self.amount, self.currency), self.currency)

    def is_zero(self) -> bool:
        """Return True if the amount is exactly zero."""
        return self.amount == 0

    def _check(self, other):
        if not isinstance(other, Money):
            raise TypeError(f'expected Money, got {type(other).__name__}')
        if other.currency != self.currency:
            raise CurrencyMismatchError(f'cannot combine {self.currency} with {other.currency}')

    def __add__(self, other: 'Money') -> 'Money':
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: 'Money') -> 'Money':
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> 'Money':
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> 'Money':
        if isinstance(factor, Money):
            raise TypeError('cannot multiply Money by Money')
        return Money(self.amount * _to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: 'Money') -> bool:
        self._check(other)
        return self.amount < other.amount

    def __gt__(self, other: 'Money') -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: 'Money') -> bool:
        self._check(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return format_money(self)

    def allocate(self, ratios: list[int]) -> list['Money']:
        """Split the amount into parts proportional to ``ratios``.

        The amount is first rounded with :func:`round_money`, and the parts
        always add up exactly to that rounded amount. Each part gets its
        share cut down (towards zero) to a whole minor unit; the minor units
        left over are then handed out one at a time, starting with the first
        part. Splitting 100.00 GBP three ways gives 33.34, 33.33 and 33.33.

        Args:
            ratios: Non-negative weights, at least one of them positive.

        Returns:
            One Money per ratio, in the same order.

        Raises:
            ValueError: If a weight is negative or all weights are zero.
        """
        if not ratios or any(ratio < 0 for ratio in ratios) or sum(ratios) == 0:
            raise ValueError('ratios must be non-negative and not all zero')
        total = round_money(self.amount, self.currency)
        weight = sum(ratios)
        return [
            Money(round_money(total * ratio / weight, self.currency), self.currency)
            for ratio in ratios
        ]


def to_money(value: Money | Decimal | int | float | str, currency: str = DEFAULT_CURRENCY) -> Money:
    """Coerce a number or numeric string to Money.

    Floats go through ``str`` first, so 0.1 becomes Decimal('0.1').

    Args:
        value: A Money, Decimal, int, float or numeric string.
        currency: The currency of the result.

    Returns:
        The value as Money, not rounded.

    Raises:
        CurrencyMismatchError: If value is Money in another currency.
        ValueError: If value is not a number or the currency is unknown.
    """
    if isinstance(value, Money):
        if value.currency != currency:
            raise CurrencyMismatchError(f'expected {currency}, got {value.currency}')
        return value
    return Money(_to_decimal(value), currency)


def parse_money(text: str, default_currency: str = DEFAULT_CURRENCY) -> Money:
    """Parse text such as '12.50', '12.50 EUR' or 'EUR 12.50'.

    Args:
        text: The text to parse; a currency code may come before or after
            the number, separated by whitespace.
        default_currency: The currency used when the text names none.

    Returns:
        The parsed amount, not rounded.

    Raises:
        ValueError: If the text is not an amount or names an unknown currency.
    """
    parts = text.split()
    if len(parts) == 1:
        number, currency = parts[0], default_currency
    elif len(parts) == 2 and parts[0].isalpha():
        currency, number = parts
    elif len(parts) == 2 and parts[1].isalpha():
        number, currency = parts
    else:
        raise ValueError(f'not a money amount: {text!r}')
    return Money(_to_decimal(number), currency.upper())


def format_money(money: Money) -> str:
    """Format Money for people: rounded, grouped in thousands, code last.

    Args:
        money: The amount to format.

    Returns:
        Text such as '1,234.50 GBP' or '-12 JPY'.
    """
    amount = round_money(money.amount, money.currency)
    return f'{amount:,} {money.currency}'
