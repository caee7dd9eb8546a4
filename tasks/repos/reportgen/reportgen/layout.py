"""Page layout: wrapping, blocks, pagination, headers and footers."""

from reportgen import util

PAGE_WIDTH = 80
PAGE_HEIGHT = 66
MIN_PAGE_WIDTH = 20
MIN_BODY_HEIGHT = 4
TAB_SIZE = 4
HYPHEN = "-"
FORM_FEED = "\f"
HEADING_UNDERLINE = "-"
RULE_CHAR = "-"
HEADER_LINES = 2
FOOTER_LINES = 2
KEEP_WITH_NEXT = 3
CONTINUED_TEXT = "(continued)"
COLUMN_GAP = 3
BOX_CORNER = "+"
BOX_HORIZONTAL = "-"
BOX_VERTICAL = "|"
ALIGNS = ("left", "right", "center", "justify")

PAPER_SIZES = {
    "letter": (80, 66),
    "legal": (80, 84),
    "a4": (80, 70),
    "wide": (132, 66),
}

# Layout rules
# ------------
# The paginator and the engine below follow these rules.  Reports and other
# callers depend on them, so change them only with care.
#
#  1. Every body line fits in the page body width: text blocks are wrapped to
#     it, and longer preformatted lines (tables, rules) are cut to it.
#  2. Blank lines are never printed at the top of a page body; they are
#     dropped instead.
#  3. A heading is kept with the block after it.  The heading stays on the
#     current page only if the heading and the first KEEP_WITH_NEXT lines of
#     the next block (or all of that block, if it is shorter) fit there;
#     otherwise the heading starts a new page.  A heading at the very top of
#     a page always stays, even if its block does not fit.
#  4. A block marked keepTogether moves to a new page when it does not fit
#     on the current one, unless it is longer than a whole page body.
#  5. A table that breaks across pages ends the page with CONTINUED_TEXT and
#     repeats its header lines at the top of the next page.
#  6. A PageBreak starts a new page unless the current page is empty.  Empty
#     pages at the end are never printed.
#  7. Headers sit above the body (HEADER_LINES lines, the last one blank) and
#     footers at the very bottom (FOOTER_LINES lines, the first one blank).
#     {page} and {pages} in their text become the page number and count.
#  8. Lines are stripped of trailing spaces when a page is rendered, and the
#     pages are joined with FORM_FEED.


class LayoutError(Exception):
    """Raised for a page setup or block that cannot be laid out."""


class Margins:
    """Blank space around the page body, in characters and lines."""

    def __init__(self, top=0, right=0, bottom=0, left=0):
        for name, value in (("top", top), ("right", right), ("bottom", bottom), ("left", left)):
            if value < 0:
                raise LayoutError("margin %s must not be negative" % name)
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left

    def __repr__(self):
        return "Margins(%d, %d, %d, %d)" % (self.top, self.right, self.bottom, self.left)

    def __eq__(self, other):
        if not isinstance(other, Margins):
            return False
        return self.asTuple() == other.asTuple()

    def asTuple(self):
        """Return (top, right, bottom, left)."""
        return (self.top, self.right, self.bottom, self.left)

    def getHorizontal(self):
        """Return the columns taken by the left and right margins."""
        return self.left + self.right

    def getVertical(self):
        """Return the lines taken by the top and bottom margins."""
        return self.top + self.bottom


def parseMargins(value):
    """Build Margins from an int, a 2- or 4-item sequence, or a dict."""
    if isinstance(value, Margins):
        return value
    if value is None:
        return Margins()
    if isinstance(value, int):
        return Margins(value, value, value, value)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in ("top", "right", "bottom", "left")]
        if unknown:
            raise LayoutError("unknown margin %s" % ", ".join(sorted(unknown)))
        return Margins(value.get("top", 0), value.get("right", 0),
                       value.get("bottom", 0), value.get("left", 0))
    items = list(value)
    if len(items) == 2:
        return Margins(items[0], items[1], items[0], items[1])
    if len(items) == 4:
        return Margins(items[0], items[1], items[2], items[3])
    raise LayoutError("margins need 1, 2 or 4 values, got %d" % len(items))


class PageSetup:
    """Size of a page and its margins."""

    def __init__(self, width=PAGE_WIDTH, height=PAGE_HEIGHT, margins=None):
        self.width = width
        self.height = height
        self.margins = parseMargins(margins)
        self.check()

    def __repr__(self):
        return "PageSetup(%d, %d, %r)" % (self.width, self.height, self.margins)

    def check(self):
        """Raise LayoutError when the body would be too small."""
        if self.getBodyWidth() < MIN_PAGE_WIDTH:
            raise LayoutError("page body is only %d columns wide" % self.getBodyWidth())
        if self.getBodyHeight() < MIN_BODY_HEIGHT:
            raise LayoutError("page body is only %d lines high" % self.getBodyHeight())

    def getBodyWidth(self):
        """Return the columns available between the margins."""
        return self.width - self.margins.getHorizontal()

    def getBodyHeight(self):
        """Return the lines available between the margins."""
        return self.height - self.margins.getVertical()

    def describe(self):
        """Return a short description such as "80x66, margins 0/0/0/0"."""
        return "%dx%d, margins %d/%d/%d/%d" % ((self.width, self.height) + self.margins.asTuple())

    def copy(self):
        """Return an independent copy of this setup."""
        margins = Margins(*self.margins.asTuple())
        return PageSetup(self.width, self.height, margins)


def pageSetupFromDict(data):
    """Build a PageSetup from a config dict (paper, width, height, margins)."""
    known = ("paper", "width", "height", "margins")
    for key in data:
        if key not in known:
            raise LayoutError("unknown page setting: %s" % key)
    width = PAGE_WIDTH
    height = PAGE_HEIGHT
    if "paper" in data:
        paper = data["paper"].lower()
        if paper not in PAPER_SIZES:
            raise LayoutError("unknown paper size: %s" % data["paper"])
        width, height = PAPER_SIZES[paper]
    if "width" in data:
        width = int(data["width"])
    if "height" in data:
        height = int(data["height"])
    return PageSetup(width, height, parseMargins(data.get("margins")))


# Text helpers


def expandTabs(line, tabSize=TAB_SIZE):
    """Replace tabs with spaces up to the next tab stop."""
    if "\t" not in line:
        return line
    out = []
    column = 0
    for ch in line:
        if ch == "\t":
            spaces = tabSize - (column % tabSize)
            out.append(" " * spaces)
            column = column + spaces
        else:
            out.append(ch)
            column = column + 1
    return "".join(out)


def breakWord(word, width):
    """Split a word longer than width into hyphenated pieces."""
    if width < 2:
        raise LayoutError("cannot break words into %d columns" % width)
    pieces = []
    while len(word) > width:
        pieces.append(word[:width - 1] + HYPHEN)
        word = word[width - 1:]
    pieces.append(word)
    return pieces


def wrapText(text, width):
    """Wrap one paragraph of text into lines of at most width columns."""
    lines = []
    current = ""
    for word in util.splitWords(text):
        if len(word) > width:
            if current:
                lines.append(current)
                current = ""
            pieces = breakWord(word, width)
            lines.extend(pieces[:-1])
            word = pieces[-1]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = current + " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def justifyLine(line, width):
    """Spread the words of line so that it fills width exactly."""
    words = util.splitWords(line)
    if len(words) < 2:
        return line
    gaps = len(words) - 1
    spaces = width - sum([len(word) for word in words])
    if spaces < gaps:
        return line
    each = spaces // gaps
    extra = spaces % gaps
    out = []
    for index in range(len(words)):
        out.append(words[index])
        if index < gaps:
            count = each
            if index < extra:
                count = count + 1
            out.append(" " * count)
    return "".join(out)


def alignLines(lines, width, align="left"):
    """Align every line within width; justify leaves the last line ragged."""
    if align not in ALIGNS:
        raise LayoutError("unknown alignment: %s" % align)
    out = []
    for index in range(len(lines)):
        line = lines[index]
        if align == "justify":
            if index < len(lines) - 1:
                line = justifyLine(line, width)
            out.append(line)
        else:
            out.append(util.justify(line, width, align).rstrip())
    return out


def indentLines(lines, indent):
    """Prefix every non-blank line with indent spaces."""
    out = []
    for line in lines:
        if line.strip():
            out.append(" " * indent + line)
        else:
            out.append(line)
    return out


def hangingIndent(text, width, indent):
    """Wrap text with every line but the first indented."""
    first = wrapText(text, width)
    if len(first) <= 1:
        return first
    rest = " ".join(first[1:])
    lines = [first[0]]
    lines.extend(indentLines(wrapText(rest, width - indent), indent))
    return lines


def underline(text, char=HEADING_UNDERLINE):
    """Return a line of char as long as text."""
    return util.repeatChar(char, len(text))


def sideBySide(columns, widths, gap=COLUMN_GAP):
    """Set lists of lines next to each other, newspaper style."""
    if len(columns) != len(widths):
        raise LayoutError("%d columns but %d widths" % (len(columns), len(widths)))
    height = 0
    for lines in columns:
        if len(lines) > height:
            height = len(lines)
    out = []
    for row in range(height):
        parts = []
        for index in range(len(columns)):
            lines = columns[index]
            text = ""
            if row < len(lines):
                text = lines[row]
            parts.append(util.justify(text, widths[index], "left"))
        out.append((" " * gap).join(parts).rstrip())
    return out


def splitColumns(lines, count):
    """Split lines into count nearly equal columns, filling down first."""
    if count < 1:
        raise LayoutError("need at least one column")
    size = (len(lines) + count - 1) // count
    columns = []
    for index in range(count):
        columns.append(lines[index * size:(index + 1) * size])
    return columns


def boxLines(lines, width=None):
    """Draw a box around lines; width is the inside width."""
    if width is None:
        width = 0
        for line in lines:
            if len(line) > width:
                width = len(line)
    edge = BOX_CORNER + util.repeatChar(BOX_HORIZONTAL, width + 2) + BOX_CORNER
    out = [edge]
    for line in lines:
        text = util.truncate(line, width)
        out.append("%s %s %s" % (BOX_VERTICAL, util.padRight(text, width), BOX_VERTICAL))
    out.append(edge)
    return out


# Blocks


class Block:
    """Something the paginator places on pages."""

    kind = "block"
    keepTogether = False

    def getLines(self, width):
        """Return the lines of this block for a body of width columns."""
        return []


class TextBlock(Block):
    """Running text, wrapped to the body width."""

    kind = "text"

    def __init__(self, text, align="left", indent=0):
        if align not in ALIGNS:
            raise LayoutError("unknown alignment: %s" % align)
        self.text = text
        self.align = align
        self.indent = indent

    def getLines(self, width):
        inner = width - self.indent
        lines = []
        for raw in self.text.split("\n"):
            raw = expandTabs(raw)
            if not raw.strip():
                lines.append("")
                continue
            wrapped = alignLines(wrapText(raw, inner), inner, self.align)
            lines.extend(indentLines(wrapped, self.indent))
        return lines


class HeadingBlock(Block):
    """A section heading, underlined."""

    kind = "heading"
    keepTogether = True
    keepWithNext = True

    def __init__(self, text, char=HEADING_UNDERLINE):
        self.text = text
        self.char = char

    def getLines(self, width):
        text = util.truncate(self.text, width)
        return [text, underline(text, self.char)]


class RuleBlock(Block):
    """A horizontal rule across the body."""

    kind = "rule"

    def __init__(self, char=RULE_CHAR, width=None):
        self.char = char
        self.width = width

    def getLines(self, width):
        if self.width is not None and self.width < width:
            width = self.width
        return [util.repeatChar(self.char, width)]


class BlankBlock(Block):
    """One or more blank lines."""

    kind = "blank"

    def __init__(self, count=1):
        self.count = count

    def getLines(self, width):
        return [""] * self.count


class LinesBlock(Block):
    """Preformatted lines, placed as they are."""

    kind = "lines"

    def __init__(self, lines, keepTogether=False):
        self.lines = list(lines)
        self.keepTogether = keepTogether

    def getLines(self, width):
        return list(self.lines)


class TableBlock(Block):
    """A table: header lines repeated on every page, then rows."""

    kind = "table"

    def __init__(self, headerLines, rowLines):
        self.headerLines = list(headerLines)
        self.rowLines = list(rowLines)

    def getLines(self, width):
        return self.headerLines + self.rowLines


class PageBreak(Block):
    """Forces the next block onto a new page."""

    kind = "pagebreak"


def blocksFromText(text):
    """Turn plain text into blocks: "# " lines become headings, "---" rules."""
    blocks = []
    paragraph = []
    for line in text.split("\n"):
        if line.startswith("# ") or line.strip() == "---" or line.strip() == "\f":
            if paragraph:
                blocks.append(TextBlock("\n".join(paragraph)))
                paragraph = []
            if line.startswith("# "):
                blocks.append(HeadingBlock(line[2:].strip()))
            elif line.strip() == "---":
                blocks.append(RuleBlock())
            else:
                blocks.append(PageBreak())
        else:
            paragraph.append(line)
    if paragraph:
        blocks.append(TextBlock("\n".join(paragraph)))
    return blocks


# Headers and footers


class HeaderFooter:
    """A line with left, center and right parts, printed on every page."""

    def __init__(self, left="", center="", right=""):
        self.left = left
        self.center = center
        self.right = right

    def __repr__(self):
        return "HeaderFooter(%r, %r, %r)" % (self.left, self.center, self.right)

    def fillText(self, text, pageNo, pageCount):
        """Replace {page} and {pages} in text."""
        text = text.replace("{pages}", "%d" % pageCount)
        text = text.replace("{page}", "%d" % pageNo)
        return text

    def render(self, pageNo, pageCount, width=PAGE_WIDTH):
        """Return the line for one page, width columns wide."""
        chars = [" "] * width
        left = self.fillText(self.left, pageNo, pageCount)
        center = self.fillText(self.center, pageNo, pageCount)
        right = self.fillText(self.right, pageNo, pageCount)
        self.placeText(chars, left, 0)
        self.placeText(chars, center, (width - len(center)) // 2)
        self.placeText(chars, right, width - len(right))
        return "".join(chars).rstrip()

    def placeText(self, chars, text, start):
        """Write text into the list of chars at start, clipping at the ends."""
        if start < 0:
            text = text[-start:]
            start = 0
        for index in range(len(text)):
            if start + index >= len(chars):
                break
            chars[start + index] = text[index]


def pageNumberFooter():
    """Return the usual footer: "Page N of M" on the right."""
    return HeaderFooter(right="Page {page} of {pages}")


# Pages and pagination


class Page:
    """The body lines of one page."""

    def __init__(self, height):
        self.height = height
        self.lines = []

    def __len__(self):
        return len(self.lines)

    def isEmpty(self):
        """Return True when nothing has been placed yet."""
        return not self.lines

    def isFull(self):
        """Return True when no more lines fit."""
        return len(self.lines) >= self.height

    def getRemaining(self):
        """Return how many more lines fit."""
        return self.height - len(self.lines)

    def fits(self, count):
        """Return True when count more lines fit."""
        return count <= self.getRemaining()

    def addLine(self, line):
        """Add one line; the caller checks that it fits."""
        if self.isFull():
            raise LayoutError("page is full")
        self.lines.append(line)


class Paginator:
    """Split a list of blocks into pages."""

    def __init__(self, bodyHeight, bodyWidth=PAGE_WIDTH):
        if bodyHeight < MIN_BODY_HEIGHT:
            raise LayoutError("page body too small: %d lines" % bodyHeight)
        self.bodyHeight = bodyHeight
        self.bodyWidth = bodyWidth
        self.pages = []

    def newPage(self):
        """Start a new page and return it."""
        page = Page(self.bodyHeight)
        self.pages.append(page)
        return page

    def currentPage(self):
        """Return the page being filled."""
        if not self.pages:
            return self.newPage()
        return self.pages[-1]

    def fitLine(self, line):
        """Cut a line to the body width."""
        if len(line) > self.bodyWidth:
            return line[:self.bodyWidth]
        return line

    def placeLine(self, line):
        """Put one line on the current page, starting a new page when full."""
        page = self.currentPage()
        if page.isFull():
            page = self.newPage()
        if not line.strip() and page.isEmpty():
            return
        page.addLine(self.fitLine(line))

    def placeBlock(self, block):
        """Place an ordinary block."""
        lines = block.getLines(self.bodyWidth)
        page = self.currentPage()
        if block.keepTogether and len(lines) <= self.bodyHeight:
            if not page.isEmpty() and not page.fits(len(lines)):
                self.newPage()
        for line in lines:
            self.placeLine(line)

    def placeTable(self, block):
        """Place a table, repeating its header on continuation pages."""
        header = block.headerLines
        rows = block.rowLines
        if len(header) + 2 > self.bodyHeight:
            raise LayoutError("table header does not fit on a page")
        page = self.currentPage()
        if not page.isEmpty() and not page.fits(len(header) + 1):
            page = self.newPage()
        for line in header:
            self.placeLine(line)
        index = 0
        while index < len(rows):
            page = self.currentPage()
            left = len(rows) - index
            if page.fits(left):
                for line in rows[index:]:
                    self.placeLine(line)
                break
            count = page.getRemaining() - 1
            for line in rows[index:index + count]:
                self.placeLine(line)
            index = index + count
            page.addLine(CONTINUED_TEXT)
            self.newPage()
            for line in header:
                self.placeLine(line)

    def paginate(self, blocks):
        """Lay out blocks and return the list of pages."""
        self.pages = []
        self.newPage()
        for block in blocks:
            if block.kind == "pagebreak":
                if not self.currentPage().isEmpty():
                    self.newPage()
            elif block.kind == "table":
                self.placeTable(block)
            else:
                self.placeBlock(block)
        while len(self.pages) > 1 and self.pages[-1].isEmpty():
            self.pages.pop()
        return self.pages


class LayoutEngine:
    """Turn blocks into finished pages with margins, headers and footers."""

    def __init__(self, setup=None, header=None, footer=None):
        if setup is None:
            setup = PageSetup()
        self.setup = setup
        self.header = header
        self.footer = footer

    def getBodyHeight(self):
        """Return the lines left for blocks on each page."""
        height = self.setup.getBodyHeight()
        if self.header is not None:
            height = height - HEADER_LINES
        if self.footer is not None:
            height = height - FOOTER_LINES
        return height

    def paginate(self, blocks):
        """Split blocks into pages of body lines."""
        paginator = Paginator(self.getBodyHeight(), self.setup.getBodyWidth())
        return paginator.paginate(blocks)

    def renderPage(self, page, pageNo, pageCount):
        """Return the finished lines of one page."""
        lines = []
        if self.header is not None:
            lines.append(self.header.render(pageNo, pageCount))
            lines.append("")
        lines.extend(page.lines)
        if self.footer is not None:
            while len(lines) < self.setup.getBodyHeight() - FOOTER_LINES:
                lines.append("")
            lines.append("")
            lines.append(self.footer.render(pageNo, pageCount))
        out = [""] * self.setup.margins.top
        margin = " " * self.setup.margins.left
        for line in lines:
            line = line.rstrip()
            if line:
                line = margin + line
            out.append(line)
        return out

    def renderPages(self, blocks):
        """Return every page as a list of lines."""
        pages = self.paginate(blocks)
        out = []
        for index in range(len(pages)):
            out.append(self.renderPage(pages[index], index + 1, len(pages)))
        return out

    def render(self, blocks):
        """Return the whole document as one string."""
        texts = []
        for lines in self.renderPages(blocks):
            texts.append("\n".join(lines) + "\n")
        return FORM_FEED.join(texts)


def layoutText(text, setup=None, header=None, footer=None):
    """Lay out plain text (see blocksFromText) and return the document."""
    engine = LayoutEngine(setup, header, footer)
    return engine.render(blocksFromText(text))


def countPages(blocks, setup=None, header=None, footer=None):
    """Return how many pages the blocks need."""
    engine = LayoutEngine(setup, header, footer)
    return len(engine.paginate(blocks))


# Contents and documents


def findHeadingPages(pages, headings):
    """Return (heading, pageNo) for every heading found on the pages."""
    found = []
    for heading in headings:
        for index in range(len(pages)):
            lines = pages[index].lines
            pageNo = None
            for row in range(len(lines) - 1):
                if lines[row] == heading.text and lines[row + 1] == underline(heading.text, heading.char):
                    pageNo = index + 1
                    break
            if pageNo is not None:
                found.append((heading.text, pageNo))
                break
    return found


def contentsLines(entries, width, leader="."):
    """Format (title, pageNo) entries as dotted contents lines."""
    lines = []
    for title, pageNo in entries:
        number = "%d" % pageNo
        room = width - len(number) - 2
        text = util.truncate(title, room)
        dots = util.repeatChar(leader, room - len(text))
        lines.append("%s %s %s" % (text, dots, number))
    return lines


class Document:
    """A list of blocks built up one call at a time."""

    def __init__(self, setup=None, header=None, footer=None):
        self.engine = LayoutEngine(setup, header, footer)
        self.blocks = []

    def addHeading(self, text):
        """Add a section heading."""
        self.blocks.append(HeadingBlock(text))
        return self

    def addText(self, text, align="left", indent=0):
        """Add running text."""
        self.blocks.append(TextBlock(text, align, indent))
        return self

    def addLines(self, lines, keepTogether=False):
        """Add preformatted lines."""
        self.blocks.append(LinesBlock(lines, keepTogether))
        return self

    def addTable(self, lines, headerCount=2):
        """Add table lines; the first headerCount lines are its header."""
        self.blocks.append(TableBlock(lines[:headerCount], lines[headerCount:]))
        return self

    def addRule(self, char=RULE_CHAR):
        """Add a horizontal rule."""
        self.blocks.append(RuleBlock(char))
        return self

    def addBlank(self, count=1):
        """Add blank lines."""
        self.blocks.append(BlankBlock(count))
        return self

    def addPageBreak(self):
        """Start the next block on a new page."""
        self.blocks.append(PageBreak())
        return self

    def getContents(self):
        """Return (heading, pageNo) for every heading in the document."""
        pages = self.engine.paginate(self.blocks)
        headings = [block for block in self.blocks if block.kind == "heading"]
        return findHeadingPages(pages, headings)

    def renderPages(self):
        """Return every page as a list of lines."""
        return self.engine.renderPages(self.blocks)

    def render(self):
        """Return the whole document as one string."""
        return self.engine.render(self.blocks)
