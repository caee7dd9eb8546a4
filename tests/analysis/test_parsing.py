"""Guarded parsing: safe from several threads."""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path

import pytest

from codebench.analysis.parsing import parse_ast


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
