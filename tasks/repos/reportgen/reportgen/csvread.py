"""Read CSV text into rows keyed by the header line.

One record per line; fields may be quoted with double quotes, and a quote
inside a quoted field is written twice ("").  Lines starting with
COMMENT_PREFIX and blank lines are skipped.
"""

from reportgen import util

DEFAULT_DELIMITER = ","
QUOTE = "\""
COMMENT_PREFIX = "#"


class CsvError(Exception):
    """Raised for a CSV line that cannot be read."""

    def __init__(self, message, lineNo=None):
        if lineNo is not None:
            message = "line %d: %s" % (lineNo, message)
        Exception.__init__(self, message)
        self.lineNo = lineNo


def splitLine(line, delimiter=DEFAULT_DELIMITER):
    """Split one CSV line into its fields."""
    fields = []
    field = ""
    inQuotes = False
    index = 0
    while index < len(line):
        ch = line[index]
        if inQuotes:
            if ch == QUOTE:
                inQuotes = False
            else:
                field = field + ch
        elif ch == QUOTE:
            inQuotes = True
        elif ch == delimiter:
            fields.append(field)
            field = ""
        else:
            field = field + ch
        index = index + 1
    if inQuotes:
        raise CsvError("unterminated quoted field")
    fields.append(field)
    return fields


def parseNumber(text):
    """Return text as an int or float, or None when it is not a number."""
    text = text.strip()
    if not text:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative = True
        text = text[1:-1].strip()
    text = text.replace(util.THOUSANDS_SEP, "")
    try:
        if util.DECIMAL_POINT in text:
            value = float(text)
        else:
            value = int(text)
    except ValueError:
        return None
    if negative:
        value = -value
    return value


def convertField(text):
    """Turn a field into a number when it looks like one."""
    value = parseNumber(text)
    if value is None:
        return text
    return value


def iterRecords(text, delimiter=DEFAULT_DELIMITER):
    """Yield (lineNo, fields) for every data-bearing line."""
    lineNo = 0
    for line in text.splitlines():
        lineNo = lineNo + 1
        if not line.strip() or line.startswith(COMMENT_PREFIX):
            continue
        try:
            fields = splitLine(line, delimiter)
        except CsvError as error:
            raise CsvError(str(error), lineNo)
        yield lineNo, fields


def readHeader(text, delimiter=DEFAULT_DELIMITER):
    """Return the field names from the first record."""
    for lineNo, fields in iterRecords(text, delimiter):
        return [name.strip() for name in fields]
    raise CsvError("no header line")


def readCsvText(text, delimiter=DEFAULT_DELIMITER, convert=True):
    """Read CSV text and return a list of dict rows."""
    rows = []
    names = None
    for lineNo, fields in iterRecords(text, delimiter):
        if names is None:
            names = [name.strip() for name in fields]
            continue
        if len(fields) != len(names):
            raise CsvError("expected %d fields, found %d" % (len(names), len(fields)), lineNo)
        row = {}
        for index in range(len(names)):
            if convert:
                row[names[index]] = convertField(fields[index])
            else:
                row[names[index]] = fields[index]
        rows.append(row)
    if names is None:
        raise CsvError("no header line")
    return rows


def readCsv(path, delimiter=DEFAULT_DELIMITER, convert=True, encoding="utf-8"):
    """Read a CSV file and return a list of dict rows."""
    with open(path, encoding=encoding) as handle:
        return readCsvText(handle.read(), delimiter, convert)
