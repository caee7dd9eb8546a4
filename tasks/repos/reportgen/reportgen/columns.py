"""Column definitions for tables."""

from reportgen import util

ALIGNMENTS = ("auto", "left", "right", "center")


class ColumnError(Exception):
    """Raised for a bad column definition."""


class Column:
    """One column of a table: which field it shows and how."""

    def __init__(self, name, title=None, align="auto", decimals=None, width=None):
        if align not in ALIGNMENTS:
            raise ColumnError("unknown alignment for %s: %s" % (name, align))
        if width is not None and width < 1:
            raise ColumnError("width of %s must be positive" % name)
        self.name = name
        self.title = title
        self.align = align
        self.decimals = decimals
        self.width = width

    def __repr__(self):
        return "Column(%r)" % self.name

    def getTitle(self):
        """Return the heading text for this column."""
        if self.title is not None:
            return self.title
        return self.name.replace("_", " ").title()

    def getValue(self, row):
        """Fetch this column's value from a row."""
        if isinstance(row, (list, tuple)):
            raise ColumnError("rows must be dicts or objects, not %s" % type(row).__name__)
        return util.lookupValue(row, self.name)

    def resolveAlign(self, values):
        """Return the real alignment; "auto" is right for numbers, else left."""
        if self.align != "auto":
            return self.align
        seen = False
        for value in values:
            if value is None or value == "":
                continue
            if not util.isNumber(value):
                return "left"
            seen = True
        if seen:
            return "right"
        return "left"


def getColumnWidth(column, cells):
    """Return the width of a column given its formatted cells."""
    if column.width is not None:
        return column.width
    width = len(column.getTitle())
    for cell in cells:
        if len(cell) > width:
            width = len(cell)
    return width


def parseColumnSpec(spec):
    """Build a Column from "name[:title[:align[:decimals]]]"."""
    parts = spec.split(":")
    name = parts[0].strip()
    if not name:
        raise ColumnError("empty column name in %r" % spec)
    title = None
    align = "auto"
    decimals = None
    if len(parts) > 1 and parts[1]:
        title = parts[1]
    if len(parts) > 2 and parts[2]:
        align = parts[2].strip()
    if len(parts) > 3 and parts[3]:
        try:
            decimals = int(parts[3])
        except ValueError:
            raise ColumnError("bad decimals in %r" % spec)
    return Column(name, title, align, decimals)


def columnsFromNames(names):
    """Build plain columns from a list of field names."""
    columns = []
    for name in names:
        columns.append(Column(name))
    return columns
