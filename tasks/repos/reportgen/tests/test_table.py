from reportgen import columns
from reportgen import table

ROWS = [
    {"item": "Widgets", "qty": 3, "price": 1234.5},
    {"item": "Gears", "qty": 12, "price": 0.25},
]


def makeTable():
    cols = [columns.Column("item"), columns.Column("qty"), columns.Column("price")]
    return table.Table(cols, ROWS)


def test_render_aligns_numbers_right():
    assert makeTable().render() == [
        "Item     Qty     Price",
        "-------  ---  --------",
        "Widgets    3  1,234.50",
        "Gears     12      0.25",
    ]


def test_format_number_cell():
    assert table.formatNumberCell(1234567.891, 2) == "1,234,567.89"
    assert table.formatNumberCell(-1500, 0) == "-1,500"
    assert table.formatNumberCell(-0.001, 2) == "0.00"
    assert table.formatNumberCell(999, 1) == "999.0"


def test_decimals_from_column():
    cols = [columns.Column("price", decimals=0)]
    assert table.Table(cols, ROWS).render()[2:] == ["1,234", "    0"]


def test_none_is_blank():
    cols = [columns.Column("item"), columns.Column("qty")]
    lines = table.Table(cols, [{"item": "A"}]).render()
    assert lines[2] == "A"


def test_fixed_width_truncates():
    cols = [columns.Column("item", width=5), columns.Column("qty")]
    lines = table.Table(cols, ROWS).render()
    assert lines[0] == "Item   Qty"
    assert lines[2] == "Wi...    3"


def test_get_width():
    assert makeTable().getWidth() == 22


def test_render_text():
    text = makeTable().renderText()
    assert text.endswith("0.25\n")
    assert text.count("\n") == 4
