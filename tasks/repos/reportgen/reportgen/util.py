"""Small text helpers shared by the report modules."""

import warnings

ELLIPSIS = "..."
THOUSANDS_SEP = ","
DECIMAL_POINT = "."
DEFAULT_DECIMALS = 2


def toText(value):
    """Return value as text; None becomes the empty string."""
    if value is None:
        return ""
    return str(value)


def isNumber(value):
    """Return True for ints and floats (but not bools)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float))


def padLeft(s, width, fill=" "):
    """Pad s on the left to width characters."""
    s = toText(s)
    if len(s) >= width:
        return s
    return fill * (width - len(s)) + s


def padRight(s, width, fill=" "):
    """Pad s on the right to width characters."""
    s = toText(s)
    if len(s) >= width:
        return s
    return s + fill * (width - len(s))


def centerText(s, width, fill=" "):
    """Center s in width characters; an odd extra space goes on the right."""
    s = toText(s)
    if len(s) >= width:
        return s
    total = width - len(s)
    left = total // 2
    return fill * left + s + fill * (total - left)


def justify(s, width, mode="left"):
    """Deprecated: use padRight, padLeft or centerText instead."""
    warnings.warn("util.justify is deprecated; use padRight, padLeft or centerText",
                  DeprecationWarning, stacklevel=2)
    if mode == "left":
        return padRight(s, width)
    if mode == "right":
        return padLeft(s, width)
    if mode == "center":
        return centerText(s, width)
    raise ValueError("unknown justify mode: %s" % mode)


def truncate(s, width):
    """Cut s to width characters, ending with ELLIPSIS when it was cut."""
    s = toText(s)
    if len(s) <= width:
        return s
    if width <= len(ELLIPSIS):
        return s[:width]
    return s[:width - len(ELLIPSIS)] + ELLIPSIS


def repeatChar(ch, count):
    """Return ch repeated count times (never negative)."""
    if count <= 0:
        return ""
    return ch * count


def splitWords(text):
    """Split text on runs of spaces, keeping no empty words."""
    words = []
    for word in toText(text).split(" "):
        if word:
            words.append(word)
    return words


def lookupValue(row, name):
    """Fetch a field from a dict row, or from an object attribute."""
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name, None)
