"""The title and instruction of a synthesized task: written from the failing tests' symptom (as
pytest's short summary states it), never from the corrupted line. A model-written instruction
(`--instruction-model`) is for later."""

from __future__ import annotations

import re
from collections.abc import Sequence

from codebench.tasks import Corruption, Scope

SUMMARY_LINE = re.compile(r"^(FAILED|ERROR) (\S+)(?: - (.*))?$")
SYMPTOM_CHARS = 200
TESTS_NAMED = 3


def symptom_of(output: str, failing: Sequence[str]) -> str | None:
    """The first summary line's message (`FAILED tests/t.py::test_x - AssertionError: ...`)
    about one of the `failing` tests (or, failing that, about their test files: an import
    error), trimmed; None when the output has none."""
    files = {test.split("::", 1)[0] for test in failing}
    fallback = None
    for line in output.splitlines():
        match = SUMMARY_LINE.match(line.strip())
        if match is None or not match.group(3):
            continue
        where, message = match.group(2), match.group(3).strip()
        if where in failing:
            return _trim(message)
        if fallback is None and where.split("::", 1)[0] in files:
            fallback = _trim(message)
    return fallback


def title_for(kind: Corruption, failing: Sequence[str]) -> str:
    """A short title naming the first failing test (never the corrupted code)."""
    if kind.scope is Scope.GLOBAL:
        return f"Calls across modules fail ({failing[0]})"
    return f"Fix the bug behind the failing {failing[0]}"


def instruction_for(kind: Corruption, failing: Sequence[str], symptom: str | None) -> str:
    """The request: which tests fail, the symptom quoted, and what to do."""
    named = ", ".join(f"`{test}`" for test in failing[:TESTS_NAMED])
    more = len(failing) - TESTS_NAMED
    tests = named + (f" and {more} more" if more > 0 else "")
    said = f":\n\n    {symptom}\n\n" if symptom else ". "
    if kind.scope is Scope.GLOBAL:
        return (
            f"Calls between the repository's modules fail: the tests {tests} fail{said}"
            "Some code no longer agrees with the code it calls in another module. Find the "
            "mismatch and fix it in the code, not in the tests."
        )
    return f"The tests {tests} fail{said}Find the bug in the code (not in the tests) and fix it."


def _trim(text: str) -> str:
    return text if len(text) <= SYMPTOM_CHARS else text[: SYMPTOM_CHARS - 3] + "..."
