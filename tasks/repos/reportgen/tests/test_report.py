from reportgen import columns
from reportgen import layout
from reportgen import report

CSV = "region,item,amount\nNorth,Widgets,\"1,200.50\"\nSouth,Gears,80\nNorth,Bolts,(0.50)\n"


def test_report_from_csv_text():
    rep = report.reportFromCsvText("Sales", CSV, ["item", "amount::right:2"])
    rep.addTotals("amount")
    pages = rep.renderPages()
    assert len(pages) == 1
    assert pages[0][:9] == [
        "                                     Sales",
        "                                     =====",
        "",
        "Item       Amount",
        "-------  --------",
        "Widgets  1,200.50",
        "Gears       80.00",
        "Bolts       -0.50",
        "=================",
    ]
    assert pages[0][9] == "Total    1,280.00"


def test_grouped_report_has_headings():
    rep = report.reportFromCsvText("Sales", CSV)
    rep.setGroupBy("region")
    text = rep.render()
    assert "Region: North\n-------------\n" in text
    assert text.index("Region: North") < text.index("Region: South")


def test_notes_after_table():
    rep = report.Report("T", [columns.Column("a")], [{"a": 1}])
    rep.addNote("All figures are final.")
    assert rep.renderPages()[0][-1] == "All figures are final."


def test_footer_on_every_page():
    rows = [{"n": index} for index in range(30)]
    rep = report.Report("Numbers", [columns.Column("n")], rows, layout.PageSetup(80, 20),
                        footer=layout.pageNumberFooter())
    pages = rep.renderPages()
    assert len(pages) == 3
    for number, page in enumerate(pages):
        assert page[-1].endswith(" Page %d of 3" % (number + 1))
        assert len(page[-1]) == 80


def test_render_summary():
    rep = report.reportFromCsvText("Sales", CSV)
    rep.addTotals("amount")
    text = rep.renderSummary("{{title|upper}}: {{rowCount}} rows, {{totals.amount}}")
    assert text == "SALES: 3 rows, 1280.0"
