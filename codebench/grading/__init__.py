"""Grading: run a task's tests, read JUnit XML, resolve FAIL_TO_PASS / PASS_TO_PASS, and scan
a patch for code that targets the grader."""

from codebench.grading.findings import IntegrityFinding, IntegrityRule
from codebench.grading.grade import (
    GradeReport,
    TestOutcome,
    TestTally,
    grade,
    node_id_of,
    run_pytest,
    tally_tests,
)
from codebench.grading.integrity import shadowing_findings, tree_findings
from codebench.grading.junit import TestStatus, junit_key, parse_junit
from codebench.grading.scan import scan_patch

__all__ = [
    "GradeReport",
    "IntegrityFinding",
    "IntegrityRule",
    "TestOutcome",
    "TestStatus",
    "TestTally",
    "grade",
    "junit_key",
    "node_id_of",
    "parse_junit",
    "run_pytest",
    "scan_patch",
    "shadowing_findings",
    "tally_tests",
    "tree_findings",
]
