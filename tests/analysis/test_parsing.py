"""Guarded parsing: safe from several threads."""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path

import pytest

from codebench.analysis.facts import facts
from codebench.analysis.parsing import (
    MAX_BRACKET_DEPTH,
    MAX_INDENT_DEPTH,
    fits_libcst,
    nesting_bound,
    nesting_depth,
    parse_ast,
)


def test_ast_parses_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: on CPython 3.11.7 two threads building ASTs at once can fail with
    "SystemError: AST constructor recursion depth mismatch" (gh-106905); seen once in a full
    run, in test_layers after the reference-model run had parsed patches on worker threads.
    Every parse goes through parse_ast, which lets one thread in at a time."""
    inside, most = 0, 0
    guard = threading.Lock()
    real_parse = ast.parse

    def slow_parse(source: str) -> ast.Module:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.02)
        with guard:
            inside -= 1
        return real_parse(source)

    monkeypatch.setattr(ast, "parse", slow_parse)
    threads = [threading.Thread(target=parse_ast, args=("x = 1\n",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1


def test_no_module_calls_ast_parse_but_the_locked_one() -> None:
    """Broke in CI: `gold+reformat` (models/layout.py) called `ast.parse` directly, and two
    proposals parsing at once hit CPython 3.11.7's 'AST constructor recursion depth mismatch'
    (gh-106905): a `model_error` on a random task. Every parse goes through `parse_ast`."""
    import codebench

    package = Path(codebench.__file__).parent
    offenders = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "parsing.py" and "ast.parse(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


NESTED = {
    "flat": "x = 1\n",
    "brackets_in_strings": "x = '(((('\ny = [[[1]]]\n",
    "deep_brackets": "x = " + "(" * 150 + "1" + ")" * 150 + "\n",
    "deep_indent": "".join(" " * i + "if x:\n" for i in range(120)) + " " * 120 + "pass\n",
    "tabs": "if x:\n\tif y:\n\t\tpass\n",
    "form_feed": "if x:\n\x0c    if y:\n\x0c        pass\n",
    "mixed": "if x:\n \tif y:\n \t pass\n",
    "unbalanced": "x = (((\n",
    "bad_dedent": "if x:\n        a\n    b\n",
    "lone_cr": "if x:\r    pass\r",
    "empty": "",
}


@pytest.mark.parametrize("case", sorted(NESTED))
def test_the_nesting_bound_is_never_below_the_depth(case: str) -> None:
    """`fits_libcst` trusts the text's bound and tokenizes only above the limit: the bound
    must hold for any text, tokenizing or not."""
    source = NESTED[case]
    depth = nesting_depth(facts(source).tokens)
    assert nesting_bound(source) >= depth
    limit = max(MAX_BRACKET_DEPTH, MAX_INDENT_DEPTH)
    assert fits_libcst(source, lambda: facts(source).tokens) == (depth <= limit)


def test_the_nesting_bound_holds_on_every_core_file() -> None:
    """The same on real files: every Python file of the task repositories."""
    paths = sorted(Path(__file__).resolve().parents[2].glob("tasks/repos/**/*.py"))
    assert paths
    for path in paths:
        source = path.read_text()
        assert nesting_bound(source) >= nesting_depth(facts(source).tokens), path
