"""Which nodes a run still sends attempts to: a node whose attempts fail as infrastructure
failures in a row is set aside, and a failure arriving from it afterwards runs elsewhere."""

from __future__ import annotations

from codebench.runner.cluster.health import FAILURES_IN_A_ROW, NodeHealth, Verdict

NO_ENGINE = "on node h: no Docker engine answers"


def test_a_node_is_set_aside_after_failures_in_a_row_and_later_ones_run_elsewhere() -> None:
    health = NodeHealth()
    verdicts = [health.note("bad", "h", NO_ENGINE) for _ in range(FAILURES_IN_A_ROW + 2)]
    assert (
        verdicts
        == [Verdict.RECORD] * (FAILURES_IN_A_ROW - 1)
        + [Verdict.SET_ASIDE]
        + [Verdict.RUN_ELSEWHERE] * 2
    )  # at most FAILURES_IN_A_ROW recorded from one node
    assert health.avoided() == {"ray.io/node-id": "!in(bad)"}
    assert "node bad (h) set aside" in health.set_aside["bad"].describe()
    assert NO_ENGINE in health.all_set_aside()


def test_an_outcome_that_is_not_an_infrastructure_failure_resets_the_count() -> None:
    health = NodeHealth(limit=2)
    assert health.note("n", "h", NO_ENGINE) is Verdict.RECORD
    assert health.note("n", "h", None) is Verdict.RECORD  # e.g. graded unresolved
    assert health.note("n", "h", NO_ENGINE) is Verdict.RECORD
    assert health.note("other", "h", NO_ENGINE) is Verdict.RECORD  # counted per node
    assert not health.set_aside and health.avoided() == {}
    assert health.note("n", "h", NO_ENGINE) is Verdict.SET_ASIDE
    assert health.note("n", "h", None) is Verdict.RECORD  # a graded attempt stands


def test_nodes_set_aside_are_all_avoided_and_an_unknown_node_is_never_counted() -> None:
    health = NodeHealth(limit=1)
    health.note("b", "h", NO_ENGINE)
    health.note("a", "h", NO_ENGINE)
    assert health.avoided() == {"ray.io/node-id": "!in(a,b)"}
    assert all(health.note("", "h", NO_ENGINE) is Verdict.RECORD for _ in range(3))
    assert set(health.set_aside) == {"a", "b"}
