import pytest

from reportgen import csvread


def test_split_line_plain_and_quoted():
    assert csvread.splitLine("a,b,,c") == ["a", "b", "", "c"]
    assert csvread.splitLine("\"a,b\",c") == ["a,b", "c"]
    assert csvread.splitLine("a;b", ";") == ["a", "b"]


def test_unterminated_quote():
    with pytest.raises(csvread.CsvError):
        csvread.splitLine("\"abc")


def test_parse_number():
    assert csvread.parseNumber("1,234.50") == 1234.5
    assert csvread.parseNumber("(12)") == -12
    assert csvread.parseNumber("42") == 42
    assert csvread.parseNumber("") is None
    assert csvread.parseNumber("n/a") is None


def test_read_csv_text():
    text = "# sales\nname, qty\n\nA,3\n\"B, Ltd\",\"1,000\"\n"
    assert csvread.readCsvText(text) == [
        {"name": "A", "qty": 3},
        {"name": "B, Ltd", "qty": 1000},
    ]
    assert csvread.readCsvText(text, convert=False)[0]["qty"] == "3"


def test_wrong_field_count_names_line():
    with pytest.raises(csvread.CsvError) as info:
        csvread.readCsvText("a,b\n1,2\n3\n")
    assert info.value.lineNo == 3
    assert "line 3" in str(info.value)


def test_read_header_and_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,y\n1,2\n", encoding="utf-8")
    assert csvread.readHeader("x, y\n") == ["x", "y"]
    assert csvread.readCsv(str(path)) == [{"x": 1, "y": 2}]
