from reportgen import columns
from reportgen import table
from reportgen import totals

ROWS = [
    {"region": "North", "qty": 3, "amount": 1200.5},
    {"region": "South", "qty": 5, "amount": 80.0},
    {"region": "North", "qty": 2, "amount": -0.5},
]


def makeTable():
    cols = [columns.Column("region"), columns.Column("qty"), columns.Column("amount")]
    return table.Table(cols, ROWS)


def test_sum_and_average():
    assert totals.sumColumn(ROWS, "qty") == 10
    assert totals.averageColumn(ROWS, "qty") == 10 / 3.0
    assert totals.averageColumn(ROWS, "missing") is None
    assert totals.sumColumn([{"qty": "x"}, {"qty": 4}], "qty") == 4


def test_group_rows_keeps_first_seen_order():
    groups = totals.groupRows(ROWS, "region")
    assert [key for key, rows in groups] == ["North", "South"]
    assert len(groups[0][1]) == 2


def test_format_amount():
    assert totals.formatAmount(1280.0, 2) == "1,280.00"
    assert totals.formatAmount(-12345, 0) == "-12,345"


def test_totals_render():
    lines = totals.Totals(makeTable(), ["qty", "amount"]).render()
    assert lines == [
        "=====================",
        "Total    10  1,280.00",
    ]


def test_subtotals():
    lines = totals.renderSubtotals(makeTable(), "region", ["qty"])
    assert lines[2:] == [
        "North     3  1,200.50",
        "North     2     -0.50",
        "Subtotal North    5",
        "South     5     80.00",
        "Subtotal South    5",
    ]
