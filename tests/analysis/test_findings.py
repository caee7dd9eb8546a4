"""Typed findings: how each kind renders for people, and the order findings are listed in."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from codebench.analysis import Finding, FindingKind
from codebench.analysis.findings import by_location


def at(line: int, path: str = "pkg/a.py", name: str = "foo") -> Finding:
    return Finding(path=path, line=line, name=name, kind=FindingKind.STALE_CALL)


@pytest.mark.parametrize(
    ("finding", "label"),
    [
        (at(12), "pkg/a.py:12 foo()"),
        (
            Finding(path="a.py", line=3, name="foo", kind=FindingKind.STALE_IMPORT),
            "a.py:3 import foo",
        ),
        (Finding(path="a.py", line=4, name="x", kind=FindingKind.UNDEFINED_NAME), "a.py:4 x"),
        (
            Finding(path="a.py", line=1, name="pkg.fmt", kind=FindingKind.BROKEN_IMPORT),
            "a.py:1 import pkg.fmt",
        ),
        (
            Finding(path="a.py", line=2, name="pkg.gone", kind=FindingKind.BROKEN_FROM_MODULE),
            "a.py:2 from pkg.gone import ...",
        ),
        (
            Finding(
                path="b.py", line=4, name="y", kind=FindingKind.BROKEN_FROM_NAME, detail="pkg.x"
            ),
            "b.py:4 from pkg.x import y",
        ),
        (
            Finding(
                path="a.py",
                line=7,
                name="C.f",
                kind=FindingKind.REINVENTED_HELPER,
                detail="pkg/b.py::g (0.93)",
            ),
            "a.py::C.f ~ pkg/b.py::g (0.93)",
        ),
        (
            Finding(path="m.py", line=2, name="", kind=FindingKind.SYNTAX_ERROR, detail="bad"),
            "m.py: line 2: bad",
        ),
        (
            Finding(
                path="m.py",
                line=0,
                name="",
                kind=FindingKind.SYNTAX_ERROR,
                detail="cannot parse: RecursionError",
            ),
            "m.py: cannot parse: RecursionError",
        ),
    ],
)
def test_label_is_the_text_form(finding: Finding, label: str) -> None:
    assert finding.label == label == str(finding)


def test_every_kind_renders() -> None:
    for kind in FindingKind:
        assert str(Finding(path="a.py", line=1, name="n", kind=kind, detail="d"))


def test_line_10_is_listed_after_line_9() -> None:
    """Lines order as numbers: the text form would sort `a.py:10` before `a.py:9`."""
    findings = [at(10), at(9), at(2, path="pkg/0.py"), at(100)]
    assert sorted(str(f) for f in findings)[-1] == "pkg/a.py:9 foo()"  # what text sorting does
    assert [f.location for f in by_location(findings)] == [
        ("pkg/0.py", 2),
        ("pkg/a.py", 9),
        ("pkg/a.py", 10),
        ("pkg/a.py", 100),
    ]


def test_ties_keep_their_order() -> None:
    first, second = at(5, name="b"), at(5, name="a")
    assert by_location([first, second]) == [first, second]


def test_a_finding_round_trips_through_json_and_is_frozen() -> None:
    finding = Finding(
        path="b.py", line=4, name="y", kind=FindingKind.BROKEN_FROM_NAME, detail="pkg.x"
    )
    assert Finding.model_validate_json(finding.model_dump_json()) == finding
    with pytest.raises(ValidationError):
        finding.line = 5
    with pytest.raises(ValidationError):
        Finding(path="a.py", line=-1, name="x", kind=FindingKind.UNDEFINED_NAME)
