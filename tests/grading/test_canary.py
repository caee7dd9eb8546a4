"""The canary: fresh names each time, and what its outcome proves."""

from __future__ import annotations

import ast

from codebench.grading import IntegrityRule, TestOutcome
from codebench.grading.canary import canary_findings, make_canary
from codebench.grading.junit import TestStatus, junit_key

IDS = ("tests/unit/test_x.py::test_a", "tests/test_y.py::test_b")


def test_names_are_fresh_and_the_tests_join_the_first_listed_module() -> None:
    first, second = make_canary(IDS), make_canary(IDS)
    assert first.path == second.path == "tests/unit/test_x.py"
    assert len({first.must_pass, second.must_pass, first.must_fail, second.must_fail}) == 4
    names = {n.name for n in ast.parse(first.source).body if isinstance(n, ast.FunctionDef)}
    assert names == {first.must_pass.split("::")[1], first.must_fail.split("::")[1]}


def test_no_fixed_text_marks_the_canary() -> None:
    """Regression: every canary body was `values = [a, b]; assert sum(values) == n`, so a
    report fixer spared any test whose source held `sum(values)`."""
    sources = [make_canary(IDS).source for _ in range(60)]
    lines = [set(source.splitlines()) for source in sources]
    assert not set.intersection(*lines) - {""}
    assert len({"sum(" in s for s in sources}) == 2  # several body shapes


def test_the_canary_uses_the_listed_tests_prefix() -> None:
    canary = make_canary(("tests/test_z.py::TestThing::check_value[1]",))
    assert canary.must_pass.split("::")[1].startswith("check_")


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


def listed(status: TestStatus, test_id: str = IDS[0]) -> list[TestOutcome]:
    return [TestOutcome(test_id=test_id, status=status, fail_to_pass=True)]


def test_a_failing_canary_reported_passed_is_subversion_even_if_nothing_else_ran() -> None:
    findings = canary_findings(
        CANARY, report(TestStatus.PASSED, TestStatus.PASSED), listed(TestStatus.MISSING)
    )
    assert [f.rule for f in findings] == [IntegrityRule.CANARY]
    assert findings[0].symbol == CANARY.must_fail.split("::")[1]


def test_a_missing_canary_while_its_module_ran_is_a_forged_report() -> None:
    findings = canary_findings(
        CANARY, report(TestStatus.MISSING, TestStatus.MISSING), listed(TestStatus.FAILED)
    )
    assert [f.path for f in findings] == [CANARY.path]
    assert "missing" in findings[0].detail


def test_an_honest_run_and_a_module_that_never_ran_raise_no_alarm() -> None:
    honest = report(TestStatus.PASSED, TestStatus.FAILED)
    assert canary_findings(CANARY, honest, listed(TestStatus.PASSED)) == []
    # the module did not import with this patch: its tests and the canary are all missing,
    # while a test elsewhere passed
    other = listed(TestStatus.PASSED, "tests/test_y.py::test_b") + listed(TestStatus.ERROR)
    assert canary_findings(CANARY, {}, other) == []
