import pytest

from reportgen import columns


def test_title_defaults_from_name():
    assert columns.Column("unit_price").getTitle() == "Unit Price"
    assert columns.Column("qty", "Quantity").getTitle() == "Quantity"


def test_bad_alignment():
    with pytest.raises(columns.ColumnError):
        columns.Column("a", align="middle")


def test_resolve_align_auto():
    column = columns.Column("a")
    assert column.resolveAlign([1, 2.5, None]) == "right"
    assert column.resolveAlign([1, "x"]) == "left"
    assert column.resolveAlign([]) == "left"
    assert columns.Column("a", align="center").resolveAlign([1]) == "center"


def test_get_column_width():
    column = columns.Column("name")
    assert columns.getColumnWidth(column, ["ab", "abcdef"]) == 6
    assert columns.getColumnWidth(column, ["a"]) == 4
    assert columns.getColumnWidth(columns.Column("name", width=3), ["abcdef"]) == 3


def test_parse_column_spec():
    column = columns.parseColumnSpec("amount:Amount:right:2")
    assert column.name == "amount"
    assert column.title == "Amount"
    assert column.align == "right"
    assert column.decimals == 2
    assert columns.parseColumnSpec("qty").align == "auto"
    with pytest.raises(columns.ColumnError):
        columns.parseColumnSpec("qty::left:x")
