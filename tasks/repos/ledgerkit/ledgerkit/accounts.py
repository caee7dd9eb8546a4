"""Accounts and the chart of accounts.

Account codes are four digits and the first digit gives the account type:
1xxx assets, 2xxx liabilities, 3xxx equity, 4xxx income, 5xxx-9xxx expenses.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

BANK = '1200'
ACCOUNTS_RECEIVABLE = '1100'
ACCOUNTS_PAYABLE = '2100'
VAT_PAYABLE = '2200'
OWNER_EQUITY = '3000'
RETAINED_EARNINGS = '3100'
SALES = '4000'
OTHER_INCOME = '4900'
COST_OF_SALES = '5000'
RENT = '6000'
WAGES = '6100'
BANK_CHARGES = '6900'

_CODE = re.compile(r'\d{4}')


class AccountType(Enum):
    """The five kinds of account."""

    ASSET = 'asset'
    LIABILITY = 'liability'
    EQUITY = 'equity'
    INCOME = 'income'
    EXPENSE = 'expense'

    @property
    def normal_balance(self) -> str:
        """Return 'debit' for assets and expenses, 'credit' for the others."""
        if self in (AccountType.ASSET, AccountType.EXPENSE):
            return 'debit'
        return 'credit'


_TYPE_BY_DIGIT = {
    '1': AccountType.ASSET,
    '2': AccountType.LIABILITY,
    '3': AccountType.EQUITY,
    '4': AccountType.INCOME,
}


def type_for_code(code: str) -> AccountType:
    """Return the account type that an account code belongs to.

    Args:
        code: A four-digit account code.

    Returns:
        The type given by the code's first digit.

    Raises:
        ValueError: If the code is not four digits or starts with 0.
    """
    if not _CODE.fullmatch(code) or code[0] == '0':
        raise ValueError(f'not an account code: {code!r}')
    return _TYPE_BY_DIGIT.get(code[0], AccountType.EXPENSE)


@dataclass(frozen=True)
class Account:
    """One account in the chart.

    Attributes:
        code: The four-digit account code.
        name: A human-readable name.
        type: The account type; it must agree with the code.
    """

    code: str
    name: str
    type: AccountType

    def __post_init__(self):
        expected = type_for_code(self.code)
        if self.type is not expected:
            raise ValueError(f'account {self.code} must be of type {expected.value}')


class ChartOfAccounts:
    """The accounts a ledger may post to, looked up by code."""

    def __init__(self, accounts: list[Account] | None = None):
        self._accounts = {}
        for account in accounts or []:
            self.add(account)

    def add(self, account: Account) -> Account:
        """Add an account; ValueError if its code is already taken."""
        if account.code in self._accounts:
            raise ValueError(f'duplicate account code: {account.code}')
        self._accounts[account.code] = account
        return account

    def get(self, code: str) -> Account:
        """Return the account with the given code; KeyError if there is none."""
        try:
            return self._accounts[code]
        except KeyError:
            raise KeyError(f'no account {code}') from None

    def __contains__(self, code: str) -> bool:
        return code in self._accounts

    def __iter__(self) -> Iterator[Account]:
        return iter(sorted(self._accounts.values(), key=lambda account: account.code))

    def __len__(self) -> int:
        return len(self._accounts)

    def of_type(self, account_type: AccountType) -> list[Account]:
        """Return the accounts of one type, ordered by code."""
        return [account for account in self if account.type is account_type]



def default_chart() -> ChartOfAccounts:
    """Return a fresh chart holding the standard accounts."""
    return ChartOfAccounts([
        Account(ACCOUNTS_RECEIVABLE, 'Accounts receivable', AccountType.ASSET),
        Account(BANK, 'Bank', AccountType.ASSET),
        Account(ACCOUNTS_PAYABLE, 'Accounts payable', AccountType.LIABILITY),
        Account(VAT_PAYABLE, 'VAT payable', AccountType.LIABILITY),
        Account(OWNER_EQUITY, 'Owner equity', AccountType.EQUITY),
        Account(RETAINED_EARNINGS, 'Retained earnings', AccountType.EQUITY),
        Account(SALES, 'Sales', AccountType.INCOME),
        Account(OTHER_INCOME, 'Other income', AccountType.INCOME),
        Account(COST_OF_SALES, 'Cost of sales', AccountType.EXPENSE),
        Account(RENT, 'Rent', AccountType.EXPENSE),
        Account(WAGES, 'Wages', AccountType.EXPENSE),
        Account(BANK_CHARGES, 'Bank charges', AccountType.EXPENSE),
    ])
