"""Reading JUnit XML: node ids to (classname, name), statuses, and missing tests."""

from __future__ import annotations

import pytest

from codebench.grading import TestStatus, junit_key, parse_junit
from codebench.grading.junit import statuses_for

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="6">
<testcase classname="tests.test_a" name="test_ok" time="0.001"/>
<testcase classname="tests.test_a" name="test_bad" time="0.001"><failure message="boom">x</failure></testcase>
<testcase classname="tests.test_a.TestGroup" name="test_param[a::b]" time="0.001"/>
<testcase classname="tests.test_a" name="test_skip" time="0"><skipped message="no"/></testcase>
<testcase classname="tests.test_a" name="test_teardown" time="0.001"/>
<testcase classname="tests.test_a" name="test_teardown" time="0.001"><error message="teardown"/></testcase>
</testsuite></testsuites>
"""


@pytest.mark.parametrize(
    ("node_id", "key"),
    [
        ("tests/test_a.py::test_ok", ("tests.test_a", "test_ok")),
        (
            "tests/test_a.py::TestGroup::test_param[a::b]",
            ("tests.test_a.TestGroup", "test_param[a::b]"),
        ),
        ("test_top.py::test_x", ("test_top", "test_x")),
        ("pkg/sub/test_b.py::A::B::test_c", ("pkg.sub.test_b.A.B", "test_c")),
    ],
)
def test_junit_key(node_id: str, key: tuple[str, str]) -> None:
    assert junit_key(node_id) == key


def test_statuses_worst_outcome_wins_and_missing_counts() -> None:
    report = parse_junit(REPORT)
    ids = (
        "tests/test_a.py::test_ok",
        "tests/test_a.py::test_bad",
        "tests/test_a.py::TestGroup::test_param[a::b]",
        "tests/test_a.py::test_skip",
        "tests/test_a.py::test_teardown",
        "tests/test_a.py::test_never_ran",
    )
    assert list(statuses_for(ids, report).values()) == [
        TestStatus.PASSED,
        TestStatus.FAILED,
        TestStatus.PASSED,
        TestStatus.SKIPPED,
        TestStatus.ERROR,
        TestStatus.MISSING,
    ]
