"""Style drift: only confident conventions count, and naming knows sentinels and constants.

Issue 13 item 2. The regressions marked "failed before" scored the maintainers' own patches as
drifting on the analyzer before this change.
"""

from __future__ import annotations

from codebench.analysis import EditAnalysis, RepoTree, analyze
from codebench.analysis.style import CONFIDENT, case_of, naming_context, observations
from codebench.patching.render import render_diff

CLASSES = "".join(
    f"class Shape{i}:\n    def area(self):\n        return {i}\n\n\n" for i in range(4)
)
VARIABLES = "".join(
    f"def f{i}(items):\n    total = len(items)\n    return total\n\n\n" for i in range(4)
)
BASE = {"pkg/__init__.py": "", "pkg/shapes.py": CLASSES, "pkg/calc.py": VARIABLES}


def drift_of(added: str, base: dict[str, str] = BASE, path: str = "pkg/calc.py") -> EditAnalysis:
    patch = render_diff(base, {**base, path: base[path] + added})
    return analyze(RepoTree(base), patch, patch)


def breaking(result: EditAnalysis) -> dict[str, float]:
    return {d.convention: d.breaking_share for d in result.style_detail if d.breaking_share}


def test_a_lowercase_sentinel_class_is_not_a_class_naming_break() -> None:
    """Failed before: `class _marker: pass` broke `naming.class` (pascal) with drift 0.5."""
    result = drift_of('class _marker:\n    """Marks a missing value."""\n\n\n')
    assert result.style_drift == 0.0
    assert "naming.class" not in breaking(result)


def test_a_sentinel_with_a_repr_and_its_instance_are_exempt() -> None:
    """Failed before: the class-level `NotGiven = object()` broke `naming.variable`."""
    added = (
        "class _missing_type:\n"
        "    def __repr__(self):\n"
        "        return 'MISSING'\n\n\n"
        "class Options:\n"
        "    NotGiven = object()\n"
        "    Default = _missing_type()\n"
    )
    assert drift_of(added).style_drift == 0.0


def test_a_convention_the_repository_follows_79_percent_of_the_time_costs_nothing() -> None:
    """Failed before: import form followed 79% (weight 0.58) gave a gold patch drift > 0."""
    froms = "".join(f"from os import sep as s{i}\n" for i in range(11))
    base = {**BASE, "pkg/io.py": froms + "import os\nimport sys\nimport re\n"}
    result = drift_of("import json\n", base, "pkg/io.py")
    (form,) = [d for d in result.style_detail if d.convention == "imports.form"]
    assert (form.consistency, form.breaking_share, form.counted) == (0.7857, 1.0, False)
    assert form.consistency < CONFIDENT
    assert result.style_drift == 0.0


def test_throwaway_and_math_names_show_no_case() -> None:
    """Failed before: `_` and `N` read as case `other` and broke snake_case variables."""
    added = "def dft(xarr):\n    N = len(xarr)\n    for _ in xarr:\n        N -= 1\n    return N\n"
    result = drift_of(added)
    assert result.style_drift == 0.0
    assert ("naming.variable", "other") not in observations(added)


def test_module_level_constants_and_aliases() -> None:
    """Module-level UPPER_CASE is a constant; a module-level PascalCase alias shows no case."""
    source = "MAX_SIZE = 3\nNumber = int | float\ncount = 0\n\n\ndef f():\n    Local = 1\n"
    found = observations(source)
    assert ("naming.constant", "upper") in found
    assert ("naming.variable", "snake") in found
    assert [v for c, v in found if c == "naming.variable"].count("pascal") == 1  # `Local` only


def test_private_classes_are_pascal() -> None:
    """`_Foo` and `__Foo` are PascalCase classes: no drift in a PascalCase repository."""
    assert case_of("_Foo") == case_of("__Foo") == "pascal"
    result = drift_of(
        "class _Registry:\n    def add(self):\n        return 1\n", path="pkg/shapes.py"
    )
    assert result.style_drift == 0.0


def test_real_breaks_still_count() -> None:
    """Confident conventions still weigh: a camelCase function and variable in a snake repo."""
    result = drift_of("def makeTotal(items):\n    runningTotal = 0\n    return runningTotal\n")
    assert breaking(result) == {"naming.function": 1.0, "naming.variable": 1.0}
    assert result.style_drift is not None and result.style_drift > 0.2


def test_naming_context_of_an_unparsable_file_is_empty() -> None:
    assert naming_context(None).sentinels == frozenset()


def test_one_line_docstrings_are_not_quote_observations() -> None:
    """Failed before: more-itertools (single quotes, 0.97) wrote its recipes' one-line
    docstrings as `"..."`, so the maintainers' own 10.7.0 patch drifted 0.0198 on `quotes`."""
    source = (
        "'''Module.'''\n\n\n"
        "def f(x):\n"
        '    "Return x."\n'
        "    return 'x'\n\n\n"
        "class C:\n"
        '    "A thing."\n'
        '    name = "c"\n'
    )
    assert [v for c, v in observations(source) if c == "quotes"] == ["single", "double"]


def test_an_alias_keeps_the_name_of_what_it_aliases() -> None:
    """Failed before: toolz 1.2.0's `Format = annotationlib.Format` inside a function broke
    snake_case `naming.variable` (gold drift 0.0087)."""
    source = (
        "import pathlib\n\n\n"
        "def f():\n"
        "    Format = pathlib.Format\n"
        "    Path = Path\n"
        "    Other = pathlib.Path\n"
        "    return Format, Path, Other\n"
    )
    assert [v for c, v in observations(source) if c == "naming.variable"] == ["pascal"]
