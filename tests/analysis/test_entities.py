"""Edited entities and the scope rule, on before/after source strings."""

from __future__ import annotations

import difflib

import pytest
from unidiff.patch import PatchSet

from codebench.analysis import Entity, changed_entities, classify_scope
from codebench.analysis.diffs import apply_hunks
from codebench.analysis.entities import definition_spans, innermost
from codebench.tasks import Scope

BEFORE = '''\
import os

LIMIT = 3


@cache
def top(x):
    return x + 1


class Box:
    """A box."""

    def put(self, item):
        self.items.append(item)

    def take(self):
        return self.items.pop()
'''


def diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(lines)


def entities(before: str, after: str, path: str = "pkg/mod.py") -> set[str]:
    return {str(e) for e in changed_entities(diff(path, before, after), {path: before})}


def test_method_body_maps_to_qualified_method() -> None:
    after = BEFORE.replace("self.items.append(item)", "self.items.insert(0, item)")
    assert entities(BEFORE, after) == {"pkg/mod.py::Box.put"}


def test_decorator_belongs_to_its_function() -> None:
    after = BEFORE.replace("@cache\n", "@lru_cache(maxsize=None)\n")
    assert entities(BEFORE, after) == {"pkg/mod.py::top"}


def test_module_level_lines_map_to_module() -> None:
    after = BEFORE.replace("LIMIT = 3", "LIMIT = 4").replace("import os", "import sys")
    assert entities(BEFORE, after) == {"pkg/mod.py::<module>"}


def test_new_function_and_blank_lines() -> None:
    after = BEFORE + "\n\ndef added():\n    return 2\n"
    assert entities(BEFORE, after) == {"pkg/mod.py::added"}


def test_deleted_lines_map_on_the_old_file() -> None:
    after = BEFORE.replace("    def take(self):\n        return self.items.pop()\n", "")
    assert entities(BEFORE, after) == {"pkg/mod.py::Box.take"}


def test_class_docstring_maps_to_class() -> None:
    after = BEFORE.replace('"""A box."""', '"""A container."""')
    assert entities(BEFORE, after) == {"pkg/mod.py::Box"}


def test_non_python_file_counts_as_one_entity() -> None:
    assert entities("a\nb\n", "a\nc\n", path="README.md") == {"README.md::<file>"}


def test_unparsable_new_file_maps_added_lines_where_they_stand() -> None:
    """Issue 13: a patch that broke the file's syntax put every added line in `<module>`, an
    entity the fix never touched."""
    after = BEFORE.replace("return x + 1", "return x +")
    assert entities(BEFORE, after) == {"pkg/mod.py::top"}
    opened = BEFORE.replace("return self.items.pop()", "return self.items.pop(")
    assert entities(BEFORE, opened) == {"pkg/mod.py::Box.take"}
    inserted = BEFORE.replace("LIMIT = 3", "LIMIT = 3\nLIMIT = (")
    assert entities(BEFORE, inserted) == {"pkg/mod.py::<module>"}


def test_apply_hunks_rebuilds_the_new_text() -> None:
    after = BEFORE.replace("LIMIT = 3", "LIMIT = 4") + "\n\ndef added():\n    return 2\n"
    (patched,) = PatchSet(diff("m.py", BEFORE, after))
    assert apply_hunks(BEFORE, patched) == after


def test_innermost_prefers_the_narrowest_span() -> None:
    spans = definition_spans(BEFORE)
    assert spans is not None
    assert innermost(spans, 15) == "Box.put"
    assert innermost(spans, 12) == "Box"
    assert innermost(spans, 1) == "<module>"


@pytest.mark.parametrize(
    ("found", "scope"),
    [
        ({Entity("a.py", "f")}, Scope.LOCAL),
        ({Entity("a.py", "f"), Entity("a.py", "<module>")}, Scope.LOCAL),
        ({Entity("a.py", "f"), Entity("a.py", "g"), Entity("a.py", "h")}, Scope.GLOBAL),
        ({Entity("a.py", "f"), Entity("b.py", "g")}, Scope.GLOBAL),
    ],
)
def test_scope_rule(found: set[Entity], scope: Scope) -> None:
    assert classify_scope(found) is scope


NESTED = """\
def helper(items):
    def key(item):
        return item.name

    return sorted(items, key=key)


def retry(times):
    def decorate(func):
        def wrapper(*args):
            for _ in range(times):
                result = func(*args)
            return result

        return wrapper

    return decorate


def build():
    class Local:
        size = 1

    return Local


class Box:
    def put(self, item):
        def check(value):
            return value is not None

        return check(item)
"""


def test_an_inner_closure_belongs_to_its_function() -> None:
    """Issue 13: an edit inside a closure and its helper counted two definitions (and three
    with the helper's signature), so a one-function fix measured like a spread-out one."""
    after = NESTED.replace("return item.name", "return item.title").replace(
        "def helper(items):", "def helper(items, reverse=False):"
    )
    found = entities(NESTED, after)
    assert found == {"pkg/mod.py::helper"}
    assert classify_scope({Entity("pkg/mod.py", "helper")}) is Scope.LOCAL


def test_a_decorator_factory_is_one_definition() -> None:
    """Issue 13: editing every level of a decorator factory counted each nested def, so a local
    change to one function came out global."""
    after = (
        NESTED.replace("def retry(times):", "def retry(times, delay=0):")
        .replace("def decorate(func):", "def decorate(func, /):")
        .replace("result = func(*args)", "result = func(*args, delay)")
    )
    before_found = entities(NESTED, after)
    assert before_found == {"pkg/mod.py::retry"}
    scope = classify_scope(
        changed_entities(diff("pkg/mod.py", NESTED, after), {"pkg/mod.py": NESTED})
    )
    assert scope is Scope.LOCAL


def test_a_class_inside_a_function_belongs_to_the_function() -> None:
    """Issue 13: a class defined inside a function counted as a definition of its own."""
    assert entities(NESTED, NESTED.replace("size = 1", "size = 2")) == {"pkg/mod.py::build"}


def test_a_closure_in_a_method_belongs_to_the_method() -> None:
    """Methods stay definitions of their own; what is nested in them belongs to them."""
    after = NESTED.replace("return value is not None", "return value")
    assert entities(NESTED, after) == {"pkg/mod.py::Box.put"}
