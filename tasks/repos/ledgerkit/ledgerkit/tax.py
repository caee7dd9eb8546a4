"""VAT rates and tax calculations.

Tax is worked out on net amounts and rounded half-up, line by line.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ledgerkit.money import Money

CENT = Decimal('0.01')


@dataclass(frozen=True)
class TaxRate:
    """A VAT rate.

    Attributes:
        code: A short code printed on invoices, e.g. 'S'.
        rate: The rate as a fraction, e.g. Decimal('0.20').
        name: A human-readable name.
    """

    code: str
    rate: Decimal
    name: str

    def __post_init__(self):
        if not Decimal(0) <= self.rate < Decimal(1):
            raise ValueError(f'tax rate out of range: {self.rate}')

    @property
    def percent(self) -> Decimal:
        """Return the rate as a percentage, e.g. Decimal('20')."""
        return (self.rate * 100).normalize()


STANDARD = TaxRate('S', Decimal('0.20'), 'Standard rate')
REDUCED = TaxRate('R', Decimal('0.05'), 'Reduced rate')
ZERO = TaxRate('Z', Decimal('0'), 'Zero rate')


def tax_on(net: Money, rate: TaxRate) -> Money:
    """Return the tax due on a net amount.

    Args:
        net: The net (tax-exclusive) amount.
        rate: The tax rate.

    Returns:
        The tax, rounded half-up.
    """
    amount = (net.amount * rate.rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return Money(amount, net.currency)


def gross_from_net(net: Money, rate: TaxRate) -> Money:
    """Return the gross (tax-inclusive) amount for a net amount."""
    return net + tax_on(net, rate)


def net_from_gross(gross: Money, rate: TaxRate) -> Money:
    """Split the net amount out of a tax-inclusive amount.

    Args:
        gross: The gross (tax-inclusive) amount.
        rate: The tax rate the gross amount includes.

    Returns:
        The net amount, rounded half-up; the tax is gross minus net.
    """
    amount = (gross.amount / (1 + rate.rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return Money(amount, gross.currency)
