"""Reports: a title, a table and its totals laid out on pages."""

from reportgen import csvread
from reportgen import template
from reportgen import util
import reportgen.columns
import reportgen.layout
import reportgen.table
import reportgen.totals

TITLE_RULE_CHAR = "="
GROUP_HEADING = "%s: %s"


class Report:
    """A titled table report."""

    def __init__(self, title, columns, rows, setup=None, header=None, footer=None):
        if setup is None:
            setup = reportgen.layout.PageSetup()
        self.title = title
        self.columns = list(columns)
        self.rows = list(rows)
        self.setup = setup
        self.header = header
        self.footer = footer
        self.totalNames = []
        self.groupName = None
        self.notes = []

    def addTotals(self, *names):
        """Show totals of these columns under the table."""
        self.totalNames.extend(names)

    def setGroupBy(self, name):
        """Split the table into one section per value of a field."""
        self.groupName = name

    def addNote(self, text):
        """Add a paragraph of text after the table."""
        self.notes.append(text)

    def getColumn(self, name):
        """Return the column with this name."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError("no column named %s" % name)

    def renderTitle(self):
        """Return the centered title, its rule and a blank line."""
        width = reportgen.layout.PAGE_WIDTH
        rule = util.repeatChar(TITLE_RULE_CHAR, len(self.title))
        return [util.centerText(self.title, width), util.centerText(rule, width), ""]

    def buildTableBlocks(self, rows):
        """Return the blocks for one table and its totals."""
        table = reportgen.table.Table(self.columns, rows)
        lines = table.render()
        blocks = [reportgen.layout.TableBlock(lines[:2], lines[2:])]
        if self.totalNames:
            totals = reportgen.totals.Totals(table, self.totalNames)
            blocks.append(reportgen.layout.LinesBlock(totals.render(), True))
        return blocks

    def buildBlocks(self):
        """Return every block of the report, in order."""
        blocks = [reportgen.layout.LinesBlock(self.renderTitle(), True)]
        if self.groupName is None:
            blocks.extend(self.buildTableBlocks(self.rows))
        else:
            title = self.getColumn(self.groupName).getTitle()
            groups = reportgen.totals.groupRows(self.rows, self.groupName)
            for key, rows in groups:
                heading = GROUP_HEADING % (title, util.toText(key))
                blocks.append(reportgen.layout.HeadingBlock(heading))
                blocks.extend(self.buildTableBlocks(rows))
                blocks.append(reportgen.layout.BlankBlock())
        for note in self.notes:
            blocks.append(reportgen.layout.BlankBlock())
            blocks.append(reportgen.layout.TextBlock(note))
        return blocks

    def getEngine(self):
        """Return the layout engine for this report."""
        return reportgen.layout.LayoutEngine(self.setup, self.header, self.footer)

    def renderPages(self):
        """Return every page as a list of lines."""
        return self.getEngine().renderPages(self.buildBlocks())

    def render(self):
        """Return the report as one string."""
        return self.getEngine().render(self.buildBlocks())

    def renderSummary(self, text):
        """Fill a template with the title, row count and totals."""
        context = {
            "title": self.title,
            "rowCount": len(self.rows),
            "totals": {},
        }
        for name in self.totalNames:
            context["totals"][name] = reportgen.totals.sumColumn(self.rows, name)
        return template.renderTemplate(text, context)


def reportFromCsvText(title, text, specs=None, setup=None):
    """Build a report from CSV text; specs are column specs or None for all."""
    rows = csvread.readCsvText(text)
    if specs is None:
        columns = reportgen.columns.columnsFromNames(csvread.readHeader(text))
    else:
        columns = [reportgen.columns.parseColumnSpec(spec) for spec in specs]
    return Report(title, columns, rows, setup)
