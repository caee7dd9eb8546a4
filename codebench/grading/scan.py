"""A static scan of a patch for library code that targets the grader (`GRADER_CODE`).

Hidden tests run in the same process as the patched code, so a patch can ship library code
that subverts pytest, forges the report, or reads the tests' expected values. This scan reads
each changed non-test `.py` file as it is after the patch and reports the suspicious constructs
on the lines the patch added (the rules and their reasons: `scan_rules`). It is one layer of
several: the canary tests and the stray-process check see at run time what it cannot.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from codebench.analysis.diffs import AnalysisInputError, FileDiff, file_diffs
from codebench.analysis.parsing import parse_ast
from codebench.grading import scan_rules as rules
from codebench.grading.findings import IntegrityFinding, IntegrityRule
from codebench.patching import is_test_path

# (candidate lines in Python's numbering, preferred first; symbol; why)
Hit = tuple[tuple[int, ...], str, str]
# Python ends a line at \r too; git and the diff do not (see `_diff_lines`).
PYTHON_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Names that mean something without an import; any other unbound name is not a module.
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__builtins__"}


@dataclass(frozen=True)
class _Changed:
    """One changed file: its whole new text when known, and its added lines by number."""

    path: str
    source: str | None  # None when the patch did not apply: only the added lines are known
    added: Mapping[int, str]


def scan_patch(
    patch_text: str, read_old: Callable[[str], str | None]
) -> tuple[IntegrityFinding, ...]:
    """The grader-targeting constructs a patch adds to non-test Python files.

    `patch_text` is a unified diff of the whole change; `read_old(path)` gives a file's text in
    the starting tree (None for a new file). Each changed `.py` file that is not a test file
    (tests and conftest.py are protected and reverted elsewhere) is parsed as it is after the
    patch; a construct counts only on a line the patch added. One finding per (path, line,
    symbol), sorted by path and line.

    Never raises for a bad patch or file: a patch (or one file of it) that does not parse or
    apply, and a file that does not parse, are scanned line by line from the added lines.
    Exceptions raised by `read_old` propagate.
    """
    found: dict[tuple[str, int, str], str] = {}
    for changed in _changed_files(patch_text, read_old):
        if not changed.path.endswith(".py") or is_test_path(changed.path):
            continue
        for line, symbol, detail in _scan_file(changed):
            found.setdefault((changed.path, line, symbol), detail)
    return tuple(
        IntegrityFinding(
            rule=IntegrityRule.GRADER_CODE, detail=detail, path=path, line=line, symbol=symbol
        )
        for (path, line, symbol), detail in sorted(found.items())
    )


def _changed_files(patch_text: str, read_old: Callable[[str], str | None]) -> list[_Changed]:
    try:
        return [_from_diff(diff) for diff in file_diffs(patch_text, read_old)]
    except AnalysisInputError:
        pass
    # One file that does not apply must not hide the others: retry file by file, and read the
    # added lines straight off the diff for a file that still fails (`patch --fuzz` may apply it).
    changed: list[_Changed] = []
    for section in re.split(r"(?m)^(?=diff --git )", patch_text):
        try:
            changed += [_from_diff(diff) for diff in file_diffs(section, read_old)]
        except AnalysisInputError:
            changed += _added_lines(section)
    return changed


def _from_diff(diff: FileDiff) -> _Changed:
    lines = diff.new.split("\n")  # the diff's numbering: \n only
    added = {number: lines[number - 1] for number in diff.added if number <= len(lines)}
    return _Changed(diff.path, diff.new, added)


def _added_lines(section: str) -> list[_Changed]:
    """Added lines by path, read off the diff text alone (hunk counts are not trusted)."""
    files: dict[str, dict[int, str]] = {}
    path: str | None = None
    number = 0
    lines = section.split("\n")
    for index, text in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if text.startswith("--- ") and following.startswith("+++ "):
            path = _target_path(following[4:])
        elif text.startswith("+++ ") and index > 0 and lines[index - 1].startswith("--- "):
            continue
        elif match := re.match(r"@@ -\d+(?:,\d+)? \+(\d+)", text):
            number = int(match.group(1))
        elif text.startswith("+") and path is not None:
            files.setdefault(path, {})[number] = text[1:]
            number += 1
        elif text.startswith(" ") or not text:
            number += 1
    return [_Changed(path, None, added) for path, added in files.items()]


def _target_path(header: str) -> str | None:
    name = header.split("\t")[0].strip().strip('"')
    if name == "/dev/null":
        return None
    return name[2:] if name[1:2] == "/" else name  # b/, w/, i/ ... as `file_diffs` allows


def _scan_file(changed: _Changed) -> list[tuple[int, str, str]]:
    """(line, symbol, why) on added lines; `sys.argv` only with a report or exit-hook hint
    (command-line programs read `sys.argv` for good reasons)."""
    hits = _scan_source(changed) if changed.source is not None else None
    if hits is None:
        hits = _scan_lines(changed.added)
    hinted = any(symbol in rules.ARGV_HINTS for _, symbol, _ in hits)
    return [
        hit
        for hit in hits
        if hit[1] != rules.XML_SYMBOL and (hinted or hit[1] not in rules.ARGV_SYMBOLS)
    ]


def _scan_source(changed: _Changed) -> list[tuple[int, str, str]] | None:
    """The hits of a file that parses (None if it does not), in the diff's line numbers."""
    source = changed.source or ""
    try:
        hits = _AstScan(source).run()
    except (SyntaxError, ValueError, RecursionError):  # ValueError: a NUL byte
        return None
    to_diff = _diff_lines(source)
    found = []
    for lines, symbol, detail in hits:
        numbers = (to_diff[n] for n in lines if 0 < n < len(to_diff))
        line = next((n for n in numbers if n in changed.added), None)
        if line is not None:
            found.append((line, symbol, detail))
    return found + _coding_hits(PYTHON_LINE_BREAK.split(source, 2)[:2], changed.added, to_diff)


def _diff_lines(source: str) -> list[int]:
    """Python's line number -> the diff's. A lone \\r ends a line for Python but not for git,
    so a file written with \\r line ends would otherwise hide code on lines the diff never
    numbers."""
    mapping = [0]
    for number, text in enumerate(source.split("\n"), 1):
        mapping += [number] * (text.removesuffix("\r").count("\r") + 1)
    return mapping


def _coding_hits(
    first_lines: list[str], added: Mapping[int, str], to_diff: list[int] | None = None
) -> list[tuple[int, str, str]]:
    found = []
    for index, text in enumerate(first_lines, 1):
        symbol = rules.coding_symbol(text)
        line = to_diff[index] if to_diff and index < len(to_diff) else index
        if symbol and line in added:
            found.append((line, symbol, rules.CODING))
    return found


def _scan_lines(added: Mapping[int, str]) -> list[tuple[int, str, str]]:
    """The line-by-line scan for a file that does not parse (or a patch that did not apply)."""
    found = []
    for number, text in sorted(added.items()):
        for rule in rules.LINE_RULES:
            matches = rule.pattern.finditer(text)
            found += [(number, rule.symbol or m.group(0), rule.detail) for m in matches]
        quoted = [m.group(2) for m in rules.QUOTED.finditer(text)]
        for value in [text, *quoted]:
            found += [(number, symbol, detail) for symbol, detail, _ in rules.string_hits(value)]
    return found + _coding_hits([added.get(1, ""), added.get(2, "")], added)


def _fold(node: ast.AST) -> str | None:
    """A string constant, or a `+` of them ("_get" + "frame"); None for anything else."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return value if isinstance(value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _fold(node.left), _fold(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _matching(dotted: str) -> str | None:
    """The rule a dotted name falls under: `os.fork`, also reached as `lib.compat.os.fork`."""
    for rule in rules.BY_LAST.get(dotted.rpartition(".")[2], ()):
        if dotted == rule or dotted.endswith("." + rule):
            return rule
    return None


def _span(node: ast.AST) -> tuple[int, ...]:
    start = getattr(node, "lineno", 0)
    return tuple(range(start, (getattr(node, "end_lineno", None) or start) + 1))


class _AstScan:
    """The suspicious constructs of one file that parses, each with the lines it sits on."""

    def __init__(self, source: str) -> None:
        self.tree = parse_ast(source)
        self.lines = PYTHON_LINE_BREAK.split(source)
        self.aliases: dict[str, str] = {}
        self.star: list[str] = []  # modules imported with `*`
        self.hits: list[Hit] = []

    def run(self) -> list[Hit]:
        """Every hit of the file, on any line (the caller keeps those on added lines)."""
        nodes = list(ast.walk(self.tree))
        self._collect_aliases(nodes)
        # A bare string statement (a docstring) has no effect; what it says is not code.
        bare = {id(n.value) for n in nodes if isinstance(n, ast.Expr)}
        for node in nodes:
            self._visit(node, bare)
        return self.hits

    def _visit(self, node: ast.AST, bare: set[int]) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            self._import(node)
        elif isinstance(node, ast.Attribute):
            store = isinstance(node.ctx, ast.Store | ast.Del)
            self._name((node.end_lineno or node.lineno,), self.resolve(node), node.attr, store)
        elif isinstance(node, ast.Name):
            # a binding does not use what the name was imported as; it only shadows it
            stored = isinstance(node.ctx, ast.Store | ast.Del)
            self._name((node.lineno,), node.id if stored else self.resolve(node), None, False)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self._definition(node)
        elif isinstance(node, ast.Constant | ast.BinOp) and id(node) not in bare:
            value = _fold(node)
            if value is not None:
                self._string(node, value)

    def _add(self, lines: Iterable[int], symbol: str, detail: str) -> None:
        self.hits.append((tuple(lines), symbol, detail))

    def _collect_aliases(self, nodes: list[ast.AST]) -> None:
        """Names bound by imports (`import sys as s`, `from inspect import currentframe`) and
        by plain assignments of a sensitive module (`s = __import__("sys")`)."""
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    root = alias.name.split(".")[0]  # `import os.path` binds `os`
                    self.aliases[alias.asname or root] = alias.name if alias.asname else root
            elif isinstance(node, ast.ImportFrom):
                # relative: `.compat.os`, which `_matching` still sees as `os`
                module = "." * node.level + (node.module or "")
                for alias in node.names:
                    if alias.name == "*":
                        self.star.append(module)
                    else:
                        self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        for node in nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, dotted = node.targets[0], self.resolve(node.value)
                if (
                    isinstance(target, ast.Name)
                    and dotted not in (None, target.id)
                    and dotted.split(".")[0] in rules.SENSITIVE_MODULES
                ):
                    self.aliases[target.id] = dotted

    def resolve(self, node: ast.AST) -> str | None:
        """The dotted name an expression stands for (`s._getframe` -> `sys._getframe`), None
        when it is not one. A name neither imported nor a builtin is a local: None (a variable
        called `gc` is no module)."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            starred = (f"{module}.{node.id}" for module in self.star)
            default = node.id if node.id in BUILTIN_NAMES else None
            return next((name for name in starred if _matching(name)), default)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call) and node.args:
            importer = self.resolve(node.func)
            module = _fold(node.args[0]) if importer in rules.IMPORTERS else None
            return module.split(".")[0] if module and importer == "__import__" else module
        if isinstance(node, ast.Subscript) and self.resolve(node.value) == "sys.modules":
            return _fold(node.slice)
        return None

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        lines = (node.lineno, *(alias.lineno for alias in node.names))
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
            for alias in node.names:
                self._name((alias.lineno,), f"{node.module}.{alias.name}", None, False)
        for module in modules:
            root = module.split(".")[0]
            if root in rules.MODULES:
                self._add(lines, root, rules.MODULES[root])

    def _name(
        self, lines: tuple[int, ...], dotted: str | None, attr: str | None, store: bool
    ) -> None:
        """A use of a (possibly dotted) name, or an attribute `attr` of something."""
        last = attr or (dotted or "").rpartition(".")[2]
        rule = _matching(dotted) if dotted else None
        if rule:
            self._add(lines, rule, rules.DOTTED[rule])
        elif attr in rules.BY_ATTRIBUTE:
            symbol = rules.BY_ATTRIBUTE[attr]
            self._add(lines, symbol, rules.DOTTED[symbol])
        if last in rules.PYTEST_NAMES:
            self._add(lines, last, rules.MACHINERY)
        elif last.startswith(rules.HOOK_PREFIX) and (attr or last == rules.PLUGINS):
            # a plain variable may be called `pytest_args`; a hook is reached as an attribute
            self._add(lines, last, rules.HOOK_NAME)
        if attr in rules.FRAME_ATTRS:
            self._add(lines, attr, rules.FRAME)
        if store and attr == "__code__":
            self._add(lines, "__code__", rules.CODE)
        root = (dotted or "").split(".")[0]
        if store and dotted and root in rules.FRAMEWORK_ROOTS:
            self._add(lines, dotted, rules.FRAMEWORK_ROOTS[root])

    def _call(self, node: ast.Call) -> None:
        func = self.resolve(node.func)
        if func in rules.ATTRIBUTE_CALLS and len(node.args) >= 2:
            base, name = self.resolve(node.args[0]), _fold(node.args[1])
            if name is not None:
                dotted = f"{base}.{name}" if base else None
                store = func in rules.STORE_CALLS
                self._name(_span(node.args[1]), dotted, name, store)
            elif base in rules.SENSITIVE_MODULES - rules.LOOKUP_SAFE[func]:
                self._add(_span(node), f"{func}({base})", rules.DYNAMIC)
        elif func in rules.EVALUATORS and node.args and isinstance(node.args[0], ast.Call):
            self._add(_span(node), func, rules.EXEC)  # eval(b64decode(...)): code in disguise
        elif func == "signal.signal" and node.args and self._terminating(node.args[0]):
            self._add(_span(node), func, rules.SIGNAL)
        for keyword in node.keywords:
            # `process_group=0` detaches too: only None and False leave the child attached
            constant = keyword.value.value if isinstance(keyword.value, ast.Constant) else 0
            unset = constant is None or constant is False
            if keyword.arg in rules.PROCESS_KEYWORDS and not unset:
                self._add((keyword.lineno,), keyword.arg, rules.PROCESS)
            elif keyword.arg in rules.PYTEST_NAMES:
                self._add((keyword.lineno,), keyword.arg, rules.MACHINERY)

    def _terminating(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return node.value in rules.SIGNAL_NUMBERS and not isinstance(node.value, bool)
        return self.resolve(node) in rules.SIGNAL_NAMES

    def _definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if node.name.startswith(rules.HOOK_PREFIX):
            self._add((node.lineno,), node.name, rules.HOOK_DEF)
        elif node.name in rules.PYTEST_NAMES:
            self._add((node.lineno,), node.name, rules.MACHINERY)

    def _string(self, node: ast.AST, value: str) -> None:
        span = _span(node)
        for symbol, detail, pattern in rules.string_hits(value):
            # a multi-line string counts on the line that holds the match, when one does
            exact = [n for n in span if pattern and pattern.search(self.lines[n - 1])]
            self._add(exact if len(span) > 1 and exact else span, symbol, detail)
