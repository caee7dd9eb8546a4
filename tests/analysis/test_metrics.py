"""Every analyzer metric on small before/after sources, in LibCST's test style."""

from __future__ import annotations

import pytest

from codebench.analysis import EditAnalysis, Finding, FindingKind, RepoTree, analyze
from codebench.analysis.scope import tokens
from codebench.patching.render import render_diff
from codebench.tasks import Scope

BASE = {
    "pkg/__init__.py": "",
    "pkg/calc.py": (
        "def total(items):\n"
        "    # sum the prices\n"
        "    acc = 0\n"
        "    for item in items:\n"
        "        acc += item\n"
        "    return acc\n"
        "\n"
        "\n"
        "def double(x):\n"
        '    """Twice x."""\n'
        "    return x * 2\n"
    ),
    "pkg/report.py": (
        "from pkg.calc import total\n"
        "\n"
        "\n"
        "def line(items):\n"
        "    return 'total: ' + str(total(items))\n"
    ),
}


def edit(files: dict[str, str], path: str, old: str, new: str) -> dict[str, str]:
    assert old in files[path], old
    return {**files, path: files[path].replace(old, new, 1)}


def run(
    model: dict[str, str],
    gold: dict[str, str] | None = None,
    base: dict[str, str] = BASE,
    **kw: object,
) -> EditAnalysis:
    repo = RepoTree(base)
    gold_patch = render_diff(base, gold) if gold is not None else None
    return analyze(repo, render_diff(base, model), gold_patch, **kw)  # type: ignore[arg-type]


FIX = edit(BASE, "pkg/calc.py", "    acc = 0\n", "    acc = 0.0\n")


def test_gold_against_itself_is_perfect() -> None:
    result = run(FIX, FIX)
    assert result.entities_changed == ["pkg/calc.py::total"]
    assert (result.entity_precision, result.entity_recall) == (1.0, 1.0)
    assert (result.out_of_scope_churn, result.excess_edit_distance) == (0.0, 0.0)
    assert result.scope is Scope.LOCAL


def test_extra_entity_lowers_precision_and_adds_churn() -> None:
    model = edit(FIX, "pkg/calc.py", "    return x * 2\n", "    return x + x\n")
    result = run(model, FIX)
    assert result.entities_changed == ["pkg/calc.py::double", "pkg/calc.py::total"]
    assert (result.entity_precision, result.entity_recall) == (0.5, 1.0)
    assert result.out_of_scope_churn == 0.5  # 2 of 4 changed lines are in `double`
    assert result.excess_edit_distance is not None and result.excess_edit_distance > 0


def test_file_precision_and_recall() -> None:
    gold = edit(FIX, "pkg/report.py", "'total: '", "'sum: '")
    result = run(FIX, gold)
    assert (result.file_precision, result.file_recall) == (1.0, 0.5)
    assert result.entity_recall == 0.5


def test_excess_edit_distance_is_normalised_by_base_tokens() -> None:
    model = edit(FIX, "pkg/calc.py", "    return acc\n", "    return acc + 0\n")
    result = run(model, FIX)
    base_tokens = len(tokens("pkg/calc.py", BASE["pkg/calc.py"]))
    assert base_tokens == 31
    assert result.excess_edit_distance == round(2 / base_tokens, 4)  # "+ 0" is 2 tokens


def test_cosmetic_entity_same_ast_new_layout() -> None:
    model = edit(FIX, "pkg/calc.py", "    return x * 2\n", "    return (x*2)\n")
    assert run(model, FIX).cosmetic_entities == ["pkg/calc.py::double"]


def test_comment_and_docstring_loss_outside_gold_only() -> None:
    model = edit(FIX, "pkg/calc.py", '    """Twice x."""\n', "")
    model = edit(model, "pkg/calc.py", "    # sum the prices\n", "")
    result = run(model, FIX)
    assert result.docstring_comment_loss == ['pkg/calc.py::double: """Twice x.']
    assert run(model).docstring_comment_loss == [  # without gold, every loss counts
        "pkg/calc.py::double: " + '"""Twice x.',
        "pkg/calc.py::total: # sum the prices",
    ]


def test_unasked_rename_is_reported_but_not_the_golds() -> None:
    model = FIX
    for old in ("acc = 0.0", "acc += item", "return acc"):
        model = edit(model, "pkg/calc.py", old, old.replace("acc", "running"))
    assert run(model, FIX).renamed_names == ["pkg/calc.py::total: acc -> running"]
    assert run(model, model).renamed_names == []


STYLED = {
    "pkg/__init__.py": "",
    "pkg/a.py": "A = 'x'\nB = 'y'\nC = 'z'\n\n\ndef f(name):\n    return 'hi ' + name\n",
}


def test_style_drift_counts_broken_consistent_conventions() -> None:
    model = edit(STYLED, "pkg/a.py", "    return 'hi ' + name\n", '    return "hi " + name\n')
    result = run(model, base=STYLED)
    drifts = {d.convention: d.breaking_share for d in result.style_detail}
    assert drifts == {"quotes": 1.0, "line_length": 0.0, "indentation": 0.0}
    # indentation is seen once in the repository: too rarely to weigh; of the two weighed
    # conventions the added line exercises, one is broken
    assert result.style_drift == 0.5
    same = edit(STYLED, "pkg/a.py", "'hi '", "'hello '")
    assert run(same, base=STYLED).style_drift == 0.0


def test_inconsistent_convention_costs_nothing() -> None:
    mixed = edit(STYLED, "pkg/a.py", "B = 'y'\nC = 'z'", 'B = "y"\nC = "z"')
    model = edit(mixed, "pkg/a.py", "    return 'hi ' + name\n", '    return "hi " + name\n')
    result = run(model, base=mixed)
    (quotes,) = [d for d in result.style_detail if d.convention == "quotes"]
    assert quotes.consistency == 0.5
    assert result.style_drift == 0.0  # only line length is weighed, and it holds


def test_stale_call_site_after_rename() -> None:
    gold = edit(BASE, "pkg/calc.py", "def total(", "def grand_total(")
    gold = edit(gold, "pkg/report.py", "import total", "import grand_total")
    gold = edit(gold, "pkg/report.py", "str(total(", "str(grand_total(")
    result = run(edit(BASE, "pkg/calc.py", "def total(", "def grand_total("), gold)
    assert result.stale_call_sites == [
        Finding(path="pkg/report.py", line=1, name="total", kind=FindingKind.STALE_IMPORT),
        Finding(path="pkg/report.py", line=5, name="total", kind=FindingKind.STALE_CALL),
    ]
    assert [str(f) for f in result.stale_call_sites] == [
        "pkg/report.py:1 import total",
        "pkg/report.py:5 total()",
    ]
    assert run(gold, gold).stale_call_sites == []


def test_stale_call_site_after_signature_change() -> None:
    model = edit(BASE, "pkg/calc.py", "def total(items):", "def total(items, tax):")
    assert run(model).stale_call_sites == [
        Finding(path="pkg/report.py", line=5, name="total", kind=FindingKind.STALE_CALL)
    ]
    optional = edit(BASE, "pkg/calc.py", "def total(items):", "def total(items, tax=0):")
    assert run(optional).stale_call_sites == []


def test_new_undefined_name() -> None:
    model = edit(BASE, "pkg/calc.py", "    return x * 2\n", "    return scale(x, 2)\n")
    assert run(model).undefined_names == [
        Finding(path="pkg/calc.py", line=11, name="scale", kind=FindingKind.UNDEFINED_NAME)
    ]


def test_reinvented_helper() -> None:
    copy = (
        "\n\ndef add_up(values):\n    # again\n    result = 0\n    for value in values:\n"
        "        result += value\n    return result\n"
    )
    model = {**BASE, "pkg/report.py": BASE["pkg/report.py"] + copy}
    (helper,) = run(model).reinvented_helpers
    assert helper == Finding(
        path="pkg/report.py",
        line=8,
        name="add_up",
        kind=FindingKind.REINVENTED_HELPER,
        detail="pkg/calc.py::total (1.00)",
    )
    assert str(helper) == "pkg/report.py::add_up ~ pkg/calc.py::total (1.00)"


def test_syntax_error_is_reported_not_raised() -> None:
    model = edit(BASE, "pkg/calc.py", "    return x * 2\n", "    return x *\n")
    result = run(model, FIX)
    (error,) = result.syntax_errors
    assert (error.path, error.line, error.kind) == ("pkg/calc.py", 11, FindingKind.SYNTAX_ERROR)
    assert str(error).startswith("pkg/calc.py: line 11: ")
    assert result.entities_changed  # the rest of the analysis still ran


def test_deeply_nested_file_does_not_crash() -> None:
    deep = "X = " + "[" * 3000 + "]" * 3000 + "\n"
    model = {**BASE, "pkg/deep.py": deep}
    result = run(model)
    assert result.files_changed == ["pkg/deep.py"]
    assert result.syntax_errors  # too deep for Python itself: reported, not fatal


def test_huge_file_is_analysed() -> None:
    big = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(3000))
    base = {**BASE, "pkg/big.py": big}
    model = edit(base, "pkg/big.py", "return x + 2999", "return x - 2999")
    assert run(model, base=base).entities_changed == ["pkg/big.py::f2999"]


def test_non_python_files_count_by_lines() -> None:
    base = {**BASE, "README.md": "one\ntwo\n"}
    model = edit(base, "README.md", "two", "three")
    model = edit(model, "pkg/calc.py", "    acc = 0\n", "    acc = 0.0\n")
    result = run(model, FIX, base=base)
    assert "README.md::<file>" in result.entities_changed
    assert result.out_of_scope_churn == 0.5  # README's 2 changed lines of 4


@pytest.mark.parametrize(("declared", "precision"), [(Scope.LOCAL, 0.6667), (Scope.GLOBAL, None)])
def test_without_gold_precision_uses_the_declared_scope(
    declared: Scope, precision: float | None
) -> None:
    model = edit(FIX, "pkg/calc.py", "    return x * 2\n", "    return x + x\n")
    model = edit(model, "pkg/calc.py", "def total(", "import math\n\n\ndef total(")
    result = run(model, declared_scope=declared)
    assert result.entity_precision == precision
    assert run(model).entity_precision is None


def test_file_without_final_newline() -> None:
    """Regression: the '\\ No newline at end of file' marker was compared as a context line."""
    base = {"m.py": "def area(w, h):\n    return w * h"}
    model = {"m.py": "def area(w, h):\n    return abs(w * h)"}
    assert run(model, base=base).entities_changed == ["m.py::area"]


def test_patch_without_prefixes() -> None:
    """Regression: paths were read by dropping two characters, prefix or not."""
    base = {"m.py": "X = 1\n"}
    patch = "--- m.py\n+++ m.py\n@@ -1 +1 @@\n-X = 1\n+X = 2\n"
    assert analyze(RepoTree(base), patch).entities_changed == ["m.py::<module>"]


def test_nested_function_signature_change_is_stale() -> None:
    """Regression: nested functions were taken for methods and lost their first parameter."""
    base = {
        "m.py": "def outer():\n    def inner(a, b):\n        return a\n    return inner(1, 2)\n"
    }
    model = {"m.py": base["m.py"].replace("def inner(a, b)", "def inner(a, b, c)")}
    assert run(model, base=base).stale_call_sites == []  # nested: private to outer
    top = {"m.py": "def f(a, b):\n    return a\n\n\ndef g():\n    return f(1, 2)\n"}
    changed = {"m.py": top["m.py"].replace("def f(a, b)", "def f(a, b, c)")}
    assert run(changed, base=top).stale_call_sites == [
        Finding(path="m.py", line=6, name="f", kind=FindingKind.STALE_CALL)
    ]


def test_method_change_does_not_flag_plain_calls() -> None:
    base = {
        "store.py": "class Store:\n    def get(self, key):\n        return key\n",
        "app.py": "def get(k):\n    return k\n\n\nX = get(1)\n",
    }
    model = {
        **base,
        "store.py": base["store.py"].replace("def get(self, key)", "def get(self, key, default)"),
    }
    assert run(model, base=base).stale_call_sites == []


def test_top_level_module_imports_are_checked() -> None:
    """Regression: `util.py` was taken for a package named `util.py`."""
    base = {"util.py": "def mean(xs):\n    return sum(xs) / len(xs)\n", "app.py": "X = 1\n"}
    model = {**base, "app.py": "from util import average\nX = 1\n"}
    (broken,) = run(model, base=base).undefined_names
    assert broken == Finding(
        path="app.py", line=1, name="average", kind=FindingKind.BROKEN_FROM_NAME, detail="util"
    )
    assert str(broken) == "app.py:1 from util import average"


def test_src_layout_imports_are_checked() -> None:
    """Regression: in a `src/` layout the only top-level name was `src`, so a from-import of a
    missing module or name of the package was never reported."""
    base = {
        "src/pkg/__init__.py": "",
        "src/pkg/calc.py": "def mean(xs):\n    return sum(xs) / len(xs)\n",
        "src/pkg/app.py": "X = 1\n",
    }
    app = "from pkg.calc import average\nfrom pkg.gone import z\nfrom .calc import mean\nX = 1\n"
    model = {**base, "src/pkg/app.py": app}
    assert [str(f) for f in run(model, base=base).undefined_names] == [
        "src/pkg/app.py:1 from pkg.calc import average",
        "src/pkg/app.py:2 from pkg.gone import ...",
    ]


def test_src_layout_plain_import_of_a_missing_module_is_broken() -> None:
    base = {"src/pkg/__init__.py": "", "src/pkg/app.py": "X = 1\n"}
    model = {**base, "src/pkg/app.py": "import pkg.gone\nimport pkg\nX = 1\n"}
    assert [str(f) for f in run(model, base=base).undefined_names] == [
        "src/pkg/app.py:1 import pkg.gone"
    ]


def test_merged_names_are_not_a_rename() -> None:
    base = {"m.py": "def f(b):\n    x = 1\n    return x + b\n"}
    model = {"m.py": "def f(b):\n    b = 1\n    return b + b\n"}
    assert run(model, base=base).renamed_names == []


def test_blank_only_change_is_local() -> None:
    base = {"m.py": "X = 1\n\nY = 2\n"}
    model = {"m.py": "X = 1\n\n\nY = 2\n"}
    result = run(model, base=base)
    assert result.entities_changed == [] and result.scope is Scope.LOCAL


def test_stale_call_in_a_path_with_a_space() -> None:
    """Regression: stale sites were sorted by parsing their text back, which split at the first
    space, so a stale call in `scripts/run me.py` raised ValueError and lost the whole analysis."""
    base = {
        "pkg/__init__.py": "",
        "pkg/calc.py": "def total(xs):\n    return sum(xs)\n",
        "scripts/run me.py": "from pkg.calc import total\n\nprint(total([1]))\n",
    }
    model = {**base, "pkg/calc.py": "def grand_total(xs):\n    return sum(xs)\n"}
    assert [str(f) for f in run(model, base=base).stale_call_sites] == [
        "scripts/run me.py:1 import total",
        "scripts/run me.py:3 total()",
    ]


def test_stale_calls_are_listed_by_line_as_a_number() -> None:
    base = {"m.py": "def f(a):\n    return a\n\n\n" + "".join(f"X{i} = f({i})\n" for i in range(8))}
    model = {"m.py": base["m.py"].replace("def f(a)", "def f(a, b)")}
    lines = [f.line for f in run(model, base=base).stale_call_sites]
    assert lines == list(range(5, 13))  # 9 before 10, 11, 12


def test_undefined_names_and_broken_imports_are_listed_by_line() -> None:
    """Regression: a file's broken imports were listed after its undefined names whatever their
    lines, and files in the patch's order; now every finding is ordered by path, then line."""
    base = {"pkg/__init__.py": "", "pkg/m.py": "X = 1\n", "pkg/b.py": "Y = 1\n"}
    model = {
        **base,
        "pkg/m.py": "from pkg.gone import z\n" + "\n" * 8 + "X = nope\n",
        "pkg/b.py": "Y = missing\n",
    }
    assert [str(f) for f in run(model, base=base).undefined_names] == [
        "pkg/b.py:1 missing",
        "pkg/m.py:1 from pkg.gone import ...",
        "pkg/m.py:10 nope",
    ]


def test_test_file_edits_are_reported_apart() -> None:
    """Issue 13: a fix plus its regression test came out global, with file precision 0.5 and
    the test's lines counted as out-of-scope churn."""
    test_file = "from pkg.calc import total\n\n\ndef test_total():\n    assert total([1]) == 1.0\n"
    model = {**FIX, "tests/test_calc.py": test_file}
    result = run(model, FIX)
    assert result.test_files_changed == ["tests/test_calc.py"]
    assert result.files_changed == ["pkg/calc.py"]
    assert result.entities_changed == ["pkg/calc.py::total"]
    assert result.scope is Scope.LOCAL
    assert (result.entity_precision, result.file_precision) == (1.0, 1.0)
    assert (result.out_of_scope_churn, result.excess_edit_distance) == (0.0, 0.0)
    budget = run(model, declared_scope=Scope.LOCAL)
    assert (budget.entity_precision, budget.file_precision) == (1.0, 1.0)


DOCUMENTED = {
    "m.py": (
        'def area(w, h):\n    """The area.\n\n    Width times height.\n    """\n    return w * h\n'
    )
}


def test_an_edit_inside_a_multiline_docstring_costs_distance() -> None:
    """Issue 13: tokens were taken only where they start, so rewording a docstring's second
    line left the excess edit distance at 0."""
    gold = edit(DOCUMENTED, "m.py", "return w * h", "return abs(w * h)")
    model = edit(gold, "m.py", "Width times height.", "Width multiplied by height.")
    result = run(model, gold, base=DOCUMENTED)
    assert result.excess_edit_distance == 0.12  # -times +multiplied +by: 3 of 25 base tokens
    assert run(gold, gold, base=DOCUMENTED).excess_edit_distance == 0.0


def test_an_edit_of_a_docstrings_last_line_costs_distance() -> None:
    """Issue 13: the same for the closing line of a docstring."""
    model = edit(
        DOCUMENTED, "m.py", '    """\n    return', '    See also perimeter.\n    """\n    return'
    )
    result = run(model, DOCUMENTED, base=DOCUMENTED)
    assert result.excess_edit_distance is not None and result.excess_edit_distance > 0


def test_a_patched_file_that_does_not_parse_is_marked_not_measured() -> None:
    """Issue 13: a syntax error mapped the file's added lines to <module> and switched them to
    regex tokens, inflating precision, churn and distance instead of saying so."""
    base = {"m.py": 'def label(n):\n    return str(n) + " items"\n'}
    gold = {"m.py": 'def label(n):\n    return "one item" if n == 1 else str(n) + " items"\n'}
    model = {"m.py": 'def label(n):\n    return "one item" if n == 1 else (str(n) + " items"\n'}
    result = run(model, gold, base=base)
    assert result.unparsable_files == ["m.py"]
    assert result.entities_changed == ["m.py::label"]
    assert (result.entity_precision, result.scope) == (1.0, Scope.LOCAL)
    assert (result.out_of_scope_churn, result.excess_edit_distance) == (None, None)
    (error,) = result.syntax_errors
    assert error.kind is FindingKind.SYNTAX_ERROR
    assert run(gold, gold, base=base).unparsable_files == []
