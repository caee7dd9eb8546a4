import pytest

from reportgen import layout


def textBlock(count, prefix="line"):
    return layout.TextBlock("\n".join(["%s %d" % (prefix, n) for n in range(count)]))


def test_wrap_text_and_break_long_words():
    assert layout.wrapText("the quick brown fox", 10) == ["the quick", "brown fox"]
    assert layout.wrapText("abcdefghij", 4) == ["abc-", "def-", "ghij"]


def test_justify_line():
    assert layout.justifyLine("a b c", 9) == "a   b   c"
    assert layout.justifyLine("a b c", 8) == "a   b  c"


def test_expand_tabs():
    assert layout.expandTabs("a\tb", 4) == "a   b"
    assert layout.expandTabs("abcd\te", 4) == "abcd    e"


def test_margins_and_setup():
    setup = layout.PageSetup(60, 30, (2, 5))
    assert setup.getBodyWidth() == 50
    assert setup.getBodyHeight() == 26
    assert setup.describe() == "60x30, margins 2/5/2/5"
    with pytest.raises(layout.LayoutError):
        layout.PageSetup(20, 30, 3)


def test_page_setup_from_dict():
    setup = layout.pageSetupFromDict({"paper": "wide", "margins": {"left": 4}})
    assert setup.width == 132
    assert setup.getBodyWidth() == 128
    with pytest.raises(layout.LayoutError):
        layout.pageSetupFromDict({"colour": "red"})


def test_blank_lines_dropped_at_top_of_page():
    pages = layout.Paginator(4).paginate([textBlock(4), layout.BlankBlock(2), textBlock(1)])
    assert [page.lines for page in pages] == [
        ["line 0", "line 1", "line 2", "line 3"],
        ["line 0"],
    ]


def test_keep_together_moves_block():
    block = layout.LinesBlock(["a", "b", "c"], keepTogether=True)
    pages = layout.Paginator(5).paginate([textBlock(3), block])
    assert pages[1].lines == ["a", "b", "c"]


def test_table_continues_with_header():
    block = layout.TableBlock(["H", "-"], ["r%d" % n for n in range(6)])
    pages = layout.Paginator(5).paginate([block])
    assert pages[0].lines == ["H", "-", "r0", "r1", layout.CONTINUED_TEXT]
    assert pages[1].lines == ["H", "-", "r2", "r3", layout.CONTINUED_TEXT]
    assert pages[2].lines == ["H", "-", "r4", "r5"]


def test_page_break_and_no_empty_last_page():
    blocks = [textBlock(1), layout.PageBreak(), layout.PageBreak(), textBlock(1, "x"), layout.PageBreak()]
    pages = layout.Paginator(5).paginate(blocks)
    assert [page.lines for page in pages] == [["line 0"], ["x 0"]]


def test_header_footer_render():
    footer = layout.HeaderFooter("left", "mid", "{page}/{pages}")
    line = footer.render(2, 7, 21)
    assert line == "left     mid      2/7"


def test_engine_renders_footer_at_bottom():
    engine = layout.LayoutEngine(layout.PageSetup(40, 8), footer=layout.pageNumberFooter())
    pages = engine.renderPages([textBlock(8)])
    assert len(pages) == 2
    assert len(pages[0]) == 8
    assert pages[0][-1].endswith("Page 1 of 2")
    assert pages[1][0] == "line 6"


def test_side_by_side_and_box():
    assert layout.sideBySide([["a", "b"], ["c"]], [2, 2], 1) == ["a  c", "b"]
    assert layout.boxLines(["ab"]) == ["+----+", "| ab |", "+----+"]


def test_document_contents():
    doc = layout.Document(layout.PageSetup(40, 6))
    doc.addHeading("One").addText("x").addPageBreak().addHeading("Two").addText("y")
    assert doc.getContents() == [("One", 1), ("Two", 2)]
    assert layout.contentsLines([("One", 1)], 12) == ["One ...... 1"]
