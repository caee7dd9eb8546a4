"""From a commit's test runs to its FAIL_TO_PASS and PASS_TO_PASS, or the reason there are none.

One run on the parent with the commit's tests added ("before"), then several with the commit's
code too ("gold"). A test is listed only if it passes in every gold run: FAIL_TO_PASS when it
did not pass before, PASS_TO_PASS when it did. One that passes in some gold runs only is flaky
and dropped; so is one that fails before and in every gold run ("gold fails"). A run that timed
out or wrote no report tells nothing of its tests: the commit is rejected, never listed from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codebench.authoring.reasons import Reason, Rejection, listing
from codebench.authoring.testruns import no_fail_to_pass_message, run_failure
from codebench.grading import TestTally

BEFORE, WITH = "before the change", "with the change"


@dataclass(frozen=True)
class TestLists:
    """What a mined task lists, and what was left out and why."""

    __test__ = False  # not a pytest test class

    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]
    flaky: tuple[str, ...] = ()  # passed in some gold runs only
    gold_fails: tuple[str, ...] = ()  # did not pass before nor in any gold run
    broken: tuple[str, ...] = ()  # passed before, failed in every gold run


def worth_more_runs(before: TestTally, gold_runs: Sequence[TestTally]) -> bool:
    """Whether further gold runs could still find a FAIL_TO_PASS test: some test that did not
    pass before has passed in every gold run so far (else more runs only confirm a rejection;
    a flaky test that fails in the first gold run is then told as "gold fails")."""
    always = set.intersection(*(set(run.passed) for run in gold_runs))
    return bool(always - set(before.passed))


def failed_run(tally: TestTally, side: str, timeout: float) -> Rejection | None:
    """A rejection when the run on `side` (`BEFORE`, `WITH`) timed out or wrote no report."""
    failure = run_failure(tally, side, timeout)
    return Rejection(Reason.RUN_FAILED, failure) if failure is not None else None


def judge(
    before: TestTally, gold_runs: Sequence[TestTally], timeout: float
) -> TestLists | Rejection:
    """The lists, or a rejection: a run that failed (`timeout` is the runs' deadline), no tests
    ran, flaky, gold fails, or no test fails before."""
    runs = [(before, BEFORE), *((run, WITH) for run in gold_runs)]
    failed = next((r for r in (failed_run(t, s, timeout) for t, s in runs) if r), None)
    if failed is not None:
        return failed
    passed_before = set(before.passed)
    every = [set(run.passed) for run in gold_runs]
    always, sometimes = set.intersection(*every), set.union(*every)
    seen = list(dict.fromkeys([*before.statuses, *(t for run in gold_runs for t in run.statuses)]))
    lists = TestLists(
        fail_to_pass=tuple(t for t in seen if t in always and t not in passed_before),
        pass_to_pass=tuple(t for t in seen if t in always and t in passed_before),
        flaky=tuple(t for t in seen if t in sometimes and t not in always),
        gold_fails=tuple(t for t in seen if t not in sometimes and t not in passed_before),
        broken=tuple(t for t in seen if t not in sometimes and t in passed_before),
    )
    return lists if lists.fail_to_pass else _rejection(lists, before, gold_runs)


def _rejection(lists: TestLists, before: TestTally, gold_runs: Sequence[TestTally]) -> Rejection:
    if not any(run.statuses for run in gold_runs):
        return Rejection(Reason.NOTHING_RAN, no_fail_to_pass_message(before, gold_runs[0]))
    failing_before = [t for t in lists.flaky if t not in before.passed]
    if failing_before:
        detail = f"fail before, pass in some gold runs only: {listing(failing_before)}"
        return Rejection(Reason.FLAKY, detail)
    if lists.gold_fails:
        return Rejection(
            Reason.GOLD_FAILS, f"fail before and with the gold patch: {listing(lists.gold_fails)}"
        )
    return Rejection(Reason.NO_FAIL_BEFORE, no_fail_to_pass_message(before, gold_runs[0]))
