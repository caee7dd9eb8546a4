import warnings

import pytest

from reportgen import util


def test_pad_left_and_right():
    assert util.padLeft("ab", 5) == "   ab"
    assert util.padRight("ab", 5) == "ab   "
    assert util.padLeft("abcdef", 3) == "abcdef"
    assert util.padRight(None, 2) == "  "


def test_pad_with_fill():
    assert util.padLeft("7", 3, "0") == "007"


def test_center_text_extra_space_on_right():
    assert util.centerText("ab", 5) == " ab  "
    assert util.centerText("abc", 7) == "  abc  "


def test_truncate():
    assert util.truncate("abcdefghij", 6) == "abc..."
    assert util.truncate("abc", 6) == "abc"
    assert util.truncate("abcdef", 2) == "ab"


def test_is_number():
    assert util.isNumber(3)
    assert util.isNumber(2.5)
    assert not util.isNumber(True)
    assert not util.isNumber("3")


def test_justify_is_deprecated():
    with pytest.warns(DeprecationWarning):
        assert util.justify("ab", 4, "right") == "  ab"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError):
            util.justify("ab", 4, "middle")


def test_lookup_value_dict_and_object():
    class Row:
        name = "x"
    assert util.lookupValue({"name": "y"}, "name") == "y"
    assert util.lookupValue(Row(), "name") == "x"
    assert util.lookupValue({}, "name") is None
