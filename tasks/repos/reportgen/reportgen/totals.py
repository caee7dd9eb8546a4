"""Column totals, averages and group subtotals."""

from reportgen import util
import reportgen.table

TOTAL_LABEL = "Total"
SUBTOTAL_LABEL = "Subtotal"
TOTAL_RULE_CHAR = "="


def formatAmount(value, decimals):
    """Format a total with thousands separators and fixed decimals."""
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


def toNumber(value):
    """Return value if it is a number, else None."""
    if util.isNumber(value):
        return value
    return None


def sumColumn(rows, name):
    """Add up the numeric values of one field."""
    total = 0
    for row in rows:
        value = toNumber(util.lookupValue(row, name))
        if value is not None:
            total = total + value
    return total


def averageColumn(rows, name):
    """Return the mean of the numeric values of one field, or None."""
    total = 0
    count = 0
    for row in rows:
        value = toNumber(util.lookupValue(row, name))
        if value is not None:
            total = total + value
            count = count + 1
    if count == 0:
        return None
    return float(total) / count


def countRows(rows):
    """Return the number of rows."""
    return len(rows)


def groupRows(rows, name):
    """Group rows by one field, keeping the order groups are first seen."""
    groups = []
    positions = {}
    for row in rows:
        key = util.lookupValue(row, name)
        if key not in positions:
            positions[key] = len(groups)
            groups.append((key, []))
        groups[positions[key]][1].append(row)
    return groups


class Totals:
    """Sums of some numeric columns of a table, drawn under it."""

    def __init__(self, table, names, label=TOTAL_LABEL):
        self.table = table
        self.names = list(names)
        self.label = label
        known = [column.name for column in table.columns]
        for name in self.names:
            if name not in known:
                raise KeyError("no column named %s" % name)

    def compute(self):
        """Return a dict of column name to total."""
        sums = {}
        for name in self.names:
            sums[name] = sumColumn(self.table.rows, name)
        return sums

    def formatTotal(self, column, value):
        """Return the text for one column total."""
        if column.decimals is not None:
            decimals = column.decimals
        elif isinstance(value, int):
            decimals = 0
        else:
            decimals = util.DEFAULT_DECIMALS
        return formatAmount(value, decimals)

    def formatTotalsRow(self, widths):
        """Return the label and the totals aligned under their columns."""
        sums = self.compute()
        parts = []
        for index in range(len(self.table.columns)):
            column = self.table.columns[index]
            if column.name in sums:
                text = self.formatTotal(column, sums[column.name])
                parts.append(util.justify(text, widths[index], "right"))
            elif index == 0:
                parts.append(util.justify(self.label, widths[index], "left"))
            else:
                parts.append(util.justify("", widths[index], "left"))
        return reportgen.table.COLUMN_SEP.join(parts).rstrip()

    def render(self):
        """Return the rule and the totals line that go under the table."""
        widths = self.table.getWidths()
        width = sum(widths) + len(reportgen.table.COLUMN_SEP) * (len(widths) - 1)
        rule = util.repeatChar(TOTAL_RULE_CHAR, width)
        return [rule, self.formatTotalsRow(widths)]


def renderSubtotals(table, groupName, names):
    """Return table lines with a subtotal line after each group."""
    cells = table.getCells()
    widths = table.getWidths(cells)
    aligns = table.getAligns()
    lines = table.getHeaderLines(widths, aligns)
    for key, rows in groupRows(table.rows, groupName):
        part = reportgen.table.Table(table.columns, rows)
        for line in part.getCells():
            lines.append(reportgen.table.formatRow(line, widths, aligns))
        label = "%s %s" % (SUBTOTAL_LABEL, util.toText(key))
        subtotal = Totals(part, names, label)
        lines.append(subtotal.formatTotalsRow(widths))
    return lines
