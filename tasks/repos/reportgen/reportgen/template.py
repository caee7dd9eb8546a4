"""A tiny template language for report headings and summaries.

{{name}} inserts a value, {{name|upper}} passes it through filters,
{{#if name}}...{{#else}}...{{/if}} and {{#each name}}...{{/each}} are blocks.
"""

import re

from reportgen import util

TAG_RE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
FILTER_SEP = "|"
INDEX_NAME = "@index"


class TemplateError(Exception):
    """Raised for a broken template or a missing value in strict mode."""


def filterCount(value):
    """Return the length of a list or string."""
    if value is None:
        return 0
    return len(value)


FILTERS = {
    "upper": lambda value: util.toText(value).upper(),
    "lower": lambda value: util.toText(value).lower(),
    "title": lambda value: util.toText(value).title(),
    "strip": lambda value: util.toText(value).strip(),
    "text": util.toText,
    "count": filterCount,
}


def applyFilter(value, name):
    """Apply one named filter to a value."""
    name = name.strip()
    if name not in FILTERS:
        raise TemplateError("unknown filter: %s" % name)
    return FILTERS[name](value)


def parseTemplate(text):
    """Parse template text into a list of nodes."""
    root = []
    stack = [("root", None, root)]
    pos = 0
    for match in TAG_RE.finditer(text):
        if match.start() > pos:
            stack[-1][2].append(("text", text[pos:match.start()]))
        tag = match.group(1)
        if tag.startswith("#if "):
            node = ["if", tag[4:].strip(), [], []]
            stack[-1][2].append(node)
            stack.append(("if", node, node[2]))
        elif tag == "#else":
            if stack[-1][0] != "if":
                raise TemplateError("#else outside #if")
            node = stack[-1][1]
            stack[-1] = ("else", node, node[3])
        elif tag == "/if":
            if stack[-1][0] not in ("if", "else"):
                raise TemplateError("/if without #if")
            stack.pop()
        elif tag.startswith("#each "):
            node = ["each", tag[6:].strip(), []]
            stack[-1][2].append(node)
            stack.append(("each", node, node[2]))
        elif tag == "/each":
            if stack[-1][0] != "each":
                raise TemplateError("/each without #each")
            stack.pop()
        elif not tag:
            raise TemplateError("empty tag at %d" % match.start())
        else:
            stack[-1][2].append(("var", tag))
        pos = match.end()
    if pos < len(text):
        stack[-1][2].append(("text", text[pos:]))
    if len(stack) > 1:
        raise TemplateError("unclosed #%s block" % stack[-1][0].replace("else", "if"))
    return root


def lookupName(scopes, name, strict):
    """Find a dotted name in the innermost scope that has it."""
    parts = name.split(".")
    for scope in reversed(scopes):
        if isinstance(scope, dict) and parts[0] in scope:
            value = scope[parts[0]]
            break
        if not isinstance(scope, dict) and hasattr(scope, parts[0]):
            value = getattr(scope, parts[0])
            break
    else:
        if strict:
            raise TemplateError("no value for %s" % name)
        return None
    for part in parts[1:]:
        value = util.lookupValue(value, part)
        if value is None:
            if strict:
                raise TemplateError("no value for %s" % name)
            return None
    return value


def evalExpression(expression, scopes, strict):
    """Look up a name and run it through its filters."""
    parts = expression.split(FILTER_SEP)
    value = lookupName(scopes, parts[0].strip(), strict)
    for name in parts[1:]:
        value = applyFilter(value, name)
    return value


def renderNodes(nodes, scopes, strict):
    """Render parsed nodes to text."""
    out = []
    for node in nodes:
        if node[0] == "text":
            out.append(node[1])
        elif node[0] == "var":
            out.append(util.toText(evalExpression(node[1], scopes, strict)))
        elif node[0] == "if":
            if evalExpression(node[1], scopes, strict):
                out.append(renderNodes(node[2], scopes, strict))
            else:
                out.append(renderNodes(node[3], scopes, strict))
        elif node[0] == "each":
            items = evalExpression(node[1], scopes, strict) or []
            for index in range(len(items)):
                scope = {INDEX_NAME: index + 1}
                inner = scopes + [items[index], scope]
                out.append(renderNodes(node[2], inner, strict))
    return "".join(out)


def renderTemplate(text, context, strict=False):
    """Fill a template from a dict of values."""
    return renderNodes(parseTemplate(text), [context], strict)
