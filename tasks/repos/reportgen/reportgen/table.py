"""Plain-text tables built from columns and rows."""

from reportgen import util
import reportgen.columns

COLUMN_SEP = "  "
HEADER_RULE_CHAR = "-"


def formatNumberCell(value, decimals):
    """Format a number with thousands separators and fixed decimals."""
    text = "%.*f" % (decimals, abs(value))
    if "." in text:
        whole, frac = text.split(".")
    else:
        whole, frac = text, ""
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = util.THOUSANDS_SEP.join(groups)
    if frac:
        text = text + util.DECIMAL_POINT + frac
    if value < 0 and round(abs(value), decimals) != 0:
        text = "-" + text
    return text


class Table:
    """Rows of data shown under a list of columns."""

    def __init__(self, columns, rows=None):
        self.columns = list(columns)
        self.rows = []
        if rows:
            for row in rows:
                self.addRow(row)

    def __len__(self):
        return len(self.rows)

    def addRow(self, row):
        """Append one row (a dict or an object)."""
        self.rows.append(row)

    def getDecimals(self, column, value):
        """Return how many decimals a number in this column gets."""
        if column.decimals is not None:
            return column.decimals
        if isinstance(value, int):
            return 0
        return util.DEFAULT_DECIMALS

    def formatCell(self, column, value):
        """Return the text shown for one value."""
        if value is None:
            return ""
        if util.isNumber(value):
            return formatNumberCell(value, self.getDecimals(column, value))
        return util.toText(value)

    def getValues(self, column):
        """Return the raw values of one column."""
        values = []
        for row in self.rows:
            values.append(column.getValue(row))
        return values

    def getCells(self):
        """Return the formatted cells, one list per row."""
        cells = []
        for row in self.rows:
            line = []
            for column in self.columns:
                text = self.formatCell(column, column.getValue(row))
                if column.width is not None:
                    text = util.truncate(text, column.width)
                line.append(text)
            cells.append(line)
        return cells

    def getWidths(self, cells=None):
        """Return the width of every column."""
        if cells is None:
            cells = self.getCells()
        widths = []
        for index in range(len(self.columns)):
            column = self.columns[index]
            columnCells = [line[index] for line in cells]
            widths.append(reportgen.columns.getColumnWidth(column, columnCells))
        return widths

    def getAligns(self):
        """Return the resolved alignment of every column."""
        aligns = []
        for column in self.columns:
            aligns.append(column.resolveAlign(self.getValues(column)))
        return aligns

    def getWidth(self):
        """Return the width of a full table line."""
        widths = self.getWidths()
        return sum(widths) + len(COLUMN_SEP) * (len(widths) - 1)

    def getHeaderLines(self, widths=None, aligns=None):
        """Return the title line and the rule under it."""
        if widths is None:
            widths = self.getWidths()
        if aligns is None:
            aligns = self.getAligns()
        titles = []
        for column in self.columns:
            title = column.getTitle()
            if column.width is not None:
                title = util.truncate(title, column.width)
            titles.append(title)
        return [formatRow(titles, widths, aligns), formatRule(widths)]

    def render(self):
        """Return the table as a list of lines."""
        cells = self.getCells()
        widths = self.getWidths(cells)
        aligns = self.getAligns()
        lines = self.getHeaderLines(widths, aligns)
        for line in cells:
            lines.append(formatRow(line, widths, aligns))
        return lines

    def renderText(self):
        """Return the table as one string."""
        return "\n".join(self.render()) + "\n"


def formatRow(cells, widths, aligns):
    """Join cells into one line, each aligned within its width."""
    parts = []
    for index in range(len(cells)):
        parts.append(util.justify(cells[index], widths[index], aligns[index]))
    return COLUMN_SEP.join(parts).rstrip()


def formatRule(widths):
    """Return the rule line drawn under the column titles."""
    parts = []
    for width in widths:
        parts.append(util.repeatChar(HEADER_RULE_CHAR, width))
    return COLUMN_SEP.join(parts)
