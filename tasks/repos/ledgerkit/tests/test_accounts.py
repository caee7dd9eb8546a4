import pytest

from ledgerkit.accounts import SALES, Account, AccountType, ChartOfAccounts, default_chart, type_for_code


def test_type_for_code():
    assert type_for_code('1200') is AccountType.ASSET
    assert type_for_code('4000') is AccountType.INCOME
    assert type_for_code('7300') is AccountType.EXPENSE
    for bad in ('120', '0120', 'abcd'):
        with pytest.raises(ValueError):
            type_for_code(bad)


def test_account_type_must_match_code():
    with pytest.raises(ValueError):
        Account('1200', 'Bank', AccountType.INCOME)


def test_normal_balance():
    assert AccountType.ASSET.normal_balance == 'debit'
    assert AccountType.EXPENSE.normal_balance == 'debit'
    assert AccountType.INCOME.normal_balance == 'credit'
    assert AccountType.LIABILITY.normal_balance == 'credit'


def test_chart_lookup_and_order():
    chart = default_chart()
    assert chart.get(SALES).name == 'Sales'
    codes = [account.code for account in chart]
    assert codes == sorted(codes)
    with pytest.raises(KeyError):
        chart.get('1999')


def test_chart_rejects_duplicates():
    chart = ChartOfAccounts([Account('1200', 'Bank', AccountType.ASSET)])
    with pytest.raises(ValueError):
        chart.add(Account('1200', 'Other bank', AccountType.ASSET))


def test_of_type():
    income = default_chart().of_type(AccountType.INCOME)
    assert [account.code for account in income] == ['4000', '4900']
