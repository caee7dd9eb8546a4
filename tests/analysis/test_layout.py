"""Quotes and indentation read off the `ast` (issue 14: the tokenizer was 72% of a cold
analysis) give the tokenizer's observations, line for line, on the nasty cases and on real code."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from codebench.analysis import layout
from codebench.analysis.facts import uncached_facts

ROOT = Path(__file__).resolve().parents[2]

NASTY = {
    "implicit concatenation over lines": 'x = ("a"\n     \'b\'\n     f"c{d}")\n',
    "an f-string holding the other quote": "x = f\"{d['k']}\" + 'y'\n",
    "nested f-string format spec": "x = f'{v:>{w}}' + \"z\"\n",
    "bytes and raw strings": "x = b'a' + rb\"\\d\" + r'\\''\n",
    "a one-line block": "if x: y = 'a'\nelse: y = \"b\"\n",
    "tabs": "def f():\n\tif x:\n\t\treturn 'a'\n",
    "tabs after spaces": "class A:\n    def f(self):\n    \treturn 1\n",
    "a decorated first statement": "class A:\n    @property\n    def f(self):\n        return 1\n",
    "a parenthesised case pattern": (
        "match v:\n    case (\n        1\n        | 2\n    ):\n        pass\n    case _:\n"
        "        pass\n"
    ),
    "non-ASCII before a string": "s = 'é' + \"ü\" + 'x'\n",
    "a docstring and block strings": (
        '"""Module."""\n\n\ndef f():\n    """Doc."""\n    return """block"""\n'
    ),
    "try, except, else, finally": (
        "try:\n  a = 1\nexcept E:\n  b = 'x'\nelse:\n  c = 2\nfinally:\n  d = 3\n"
    ),
    "continuation lines": "def f(\n        a,\n        b):\n    return (a +\n            b)\n",
    "a comment before the block": "def f():\n        # deep comment\n    return 1\n",
    "elif chain": "if a:\n   x = 1\nelif b:\n   x = 2\nelse:\n   x = 3\n",
    "escaped newline in a string": "x = 'a\\\nb'\n",
}


def by_line(observe: layout.ObservationReader, source: str) -> Counter[tuple[int, str, str]]:
    """Each observation with its line, through the `keep` filter one line at a time."""
    known = uncached_facts(source)
    found: Counter[tuple[int, str, str]] = Counter()
    for line in range(1, source.count("\n") + 2):
        found.update((line, *seen) for seen in observe(known, {line}))
    return found


@pytest.mark.parametrize("case", sorted(NASTY))
def test_the_ast_reading_matches_the_tokenizer_line_for_line(case: str) -> None:
    source = NASTY[case]
    assert uncached_facts(source).tree is not None
    expected = by_line(layout.tokenizer_observations, source)
    assert by_line(layout.layout_observations, source) == expected
    assert expected or case == "a one-line block"  # each case observes something


def test_an_implicit_concatenation_is_one_observation_per_literal() -> None:
    source = NASTY["implicit concatenation over lines"]
    assert by_line(layout.layout_observations, source) == Counter(
        {(1, "quotes", "double"): 1, (2, "quotes", "single"): 1, (3, "quotes", "double"): 1}
    )


@pytest.mark.parametrize(
    "source",
    ["def f(:\n    return 'a'\n", "x = 'a'\ry = \"b\"\r"],
    ids=["does not parse", "bare carriage returns"],
)
def test_a_file_the_ast_cannot_place_is_read_by_the_tokenizer(source: str) -> None:
    known = uncached_facts(source)
    assert list(layout.layout_observations(known, None)) == list(
        layout.tokenizer_observations(known, None)
    )
    assert list(layout.layout_observations(known, None))


def test_the_whole_of_codebench_reads_the_same_both_ways() -> None:
    """Real code: every module of this package (the stdlib and site-packages, 25k files, gave
    one difference, an implicitly concatenated docstring, which the ast reading leaves out)."""
    differing = []
    for path in sorted((ROOT / "codebench").rglob("*.py")):
        known = uncached_facts(path.read_text(encoding="utf-8"))
        ast_read = Counter(layout.layout_observations(known, None))
        if ast_read != Counter(layout.tokenizer_observations(known, None)):
            differing.append(path.name)
    assert differing == []
