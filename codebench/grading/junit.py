"""Reading pytest's JUnit XML report into a status per pytest node id."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from enum import StrEnum


class TestStatus(StrEnum):
    """The outcome of one test."""

    __test__ = False  # not a pytest test class

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    MISSING = "missing"  # listed by the task but absent from the report: counts as failed


# When one test appears several times (e.g. call then teardown error), the worst outcome wins.
SEVERITY = {
    TestStatus.PASSED: 0,
    TestStatus.SKIPPED: 1,
    TestStatus.FAILED: 2,
    TestStatus.ERROR: 3,
    TestStatus.MISSING: 4,
}


def junit_key(node_id: str) -> tuple[str, str]:
    """The (classname, name) pytest writes to JUnit XML for a node id.

    `tests/test_a.py::TestX::test_y[p::q]` -> (`tests.test_a.TestX`, `test_y[p::q]`).
    """
    head, bracket, params = node_id.partition("[")
    parts = head.split("::")
    module = parts[0].removesuffix(".py").replace("/", ".")
    classname = ".".join([module, *parts[1:-1]])
    return classname, parts[-1] + bracket + params


def parse_junit(xml_text: str) -> dict[tuple[str, str], TestStatus]:
    """Map (classname, name) -> status for every testcase in a JUnit XML report.

    Raises `xml.etree.ElementTree.ParseError` for a report that is not XML.
    """
    root = ET.fromstring(xml_text)
    statuses: dict[tuple[str, str], TestStatus] = {}
    for case in root.iter("testcase"):
        key = (case.get("classname", ""), case.get("name", ""))
        status = _case_status(case)
        previous = statuses.get(key)
        if previous is None or SEVERITY[status] > SEVERITY[previous]:
            statuses[key] = status
    return statuses


def _case_status(case: ET.Element) -> TestStatus:
    tags = {child.tag for child in case}
    if "error" in tags:
        return TestStatus.ERROR
    if "failure" in tags:
        return TestStatus.FAILED
    if "skipped" in tags:
        return TestStatus.SKIPPED
    return TestStatus.PASSED


def statuses_for(
    node_ids: tuple[str, ...], report: dict[tuple[str, str], TestStatus]
) -> dict[str, TestStatus]:
    """The status of each node id; MISSING for ids the report does not contain."""
    return {node_id: report.get(junit_key(node_id), TestStatus.MISSING) for node_id in node_ids}
