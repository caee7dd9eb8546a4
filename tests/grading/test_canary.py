"""The canary: fresh names each time, and what its outcome proves."""

from __future__ import annotations

import ast

from codebench.grading import IntegrityRule
from codebench.grading.canary import canary_findings, make_canary
from codebench.grading.junit import TestStatus, junit_key

IDS = ("tests/unit/test_x.py::test_a", "tests/test_y.py::test_b")


def test_names_are_fresh_and_the_file_sits_beside_the_first_test() -> None:
    first, second = make_canary(IDS), make_canary(IDS)
    assert first.path.startswith("tests/unit/test_") and first.path.endswith(".py")
    assert len({first.path, second.path, first.must_pass, second.must_pass}) == 4
    names = {n.name for n in ast.parse(first.source).body if isinstance(n, ast.FunctionDef)}
    assert names == {first.must_pass.split("::")[1], first.must_fail.split("::")[1]}


def test_the_canary_source_passes_one_test_and_fails_the_other() -> None:
    canary = make_canary(IDS)
    namespace: dict[str, object] = {}
    exec(compile(canary.source, canary.path, "exec"), namespace)
    passing = namespace[canary.must_pass.split("::")[1]]
    failing = namespace[canary.must_fail.split("::")[1]]
    assert callable(passing) and callable(failing)
    passing()
    try:
        failing()
    except AssertionError:
        pass
    else:
        raise AssertionError("the failing canary passed")


def report(canary_pass: TestStatus, canary_fail: TestStatus) -> dict[tuple[str, str], TestStatus]:
    canary = CANARY
    statuses = {junit_key(IDS[0]): TestStatus.PASSED}
    for node_id, status in ((canary.must_pass, canary_pass), (canary.must_fail, canary_fail)):
        if status is not TestStatus.MISSING:
            statuses[junit_key(node_id)] = status
    return statuses


CANARY = make_canary(IDS)


def test_a_failing_canary_reported_passed_is_subversion_even_if_nothing_else_passed() -> None:
    findings = canary_findings(CANARY, report(TestStatus.PASSED, TestStatus.PASSED), False)
    assert [f.rule for f in findings] == [IntegrityRule.CANARY]
    assert findings[0].symbol == CANARY.must_fail.split("::")[1]


def test_a_missing_canary_while_listed_tests_pass_is_a_forged_report() -> None:
    findings = canary_findings(CANARY, report(TestStatus.MISSING, TestStatus.MISSING), True)
    assert [f.path for f in findings] == [CANARY.path]
    assert "missing" in findings[0].detail


def test_an_honest_run_and_a_crashed_run_raise_no_alarm() -> None:
    assert canary_findings(CANARY, report(TestStatus.PASSED, TestStatus.FAILED), True) == []
    assert canary_findings(CANARY, {}, False) == []  # pytest died before collecting anything
