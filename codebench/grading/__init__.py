"""Grading: run a task's tests, read JUnit XML, resolve FAIL_TO_PASS / PASS_TO_PASS."""

from codebench.grading.grade import (
    GradeReport,
    TestOutcome,
    all_test_statuses,
    grade,
    node_id_of,
    test_command,
)
from codebench.grading.junit import TestStatus, junit_key, parse_junit

__all__ = [
    "GradeReport",
    "TestOutcome",
    "TestStatus",
    "all_test_statuses",
    "grade",
    "junit_key",
    "node_id_of",
    "parse_junit",
    "test_command",
]
