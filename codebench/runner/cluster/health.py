"""Which nodes of the cluster the driver still sends attempts to: a node whose attempts fail
as infrastructure failures (`sandbox_error`: no usable engine, a tree that cannot be
unpacked) `FAILURES_IN_A_ROW` times in a row is set aside for the rest of the run, so that one
broken node cannot swallow the run's attempts.

Attempts still in flight towards a node when it is set aside may fail there too: those are
run again elsewhere, never recorded, so a node's failures recorded in a run are at most
`FAILURES_IN_A_ROW`. Nothing here imports ray; the driver turns `avoided()` into Ray's label
selector on the default `ray.io/node-id` label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

FAILURES_IN_A_ROW = 3  # infrastructure failures in a row that set a node aside
NODE_ID_LABEL = "ray.io/node-id"  # a label Ray gives every node


class Verdict(Enum):
    """What the driver does with an attempt's outcome from a node."""

    RECORD = "record"  # the outcome stands
    SET_ASIDE = "set_aside"  # the outcome stands, and its node is set aside from now on
    RUN_ELSEWHERE = "run_elsewhere"  # a set-aside node failed it: run it on another node


@dataclass(frozen=True)
class SetAside:
    """A node the run no longer sends attempts to, and why."""

    node_id: str
    host: str
    reason: str  # the last failure's

    def describe(self) -> str:
        """The node and why, in one line for the console and for results."""
        return (
            f"node {self.node_id[:12]} ({self.host}) set aside after {FAILURES_IN_A_ROW} "
            f"infrastructure failures in a row; the last: {self.reason}"
        )


@dataclass
class NodeHealth:
    """Infrastructure failures in a row per node, and the nodes set aside."""

    limit: int = FAILURES_IN_A_ROW
    streaks: dict[str, int] = field(default_factory=dict)
    set_aside: dict[str, SetAside] = field(default_factory=dict)

    def note(self, node_id: str, host: str, failure: str | None) -> Verdict:
        """Count an outcome of `node_id` (`failure`: the reason of an infrastructure
        failure, None for any other outcome). An outcome of an unknown node ("") is recorded
        and counted nowhere."""
        if not node_id:
            return Verdict.RECORD
        if failure is not None and node_id in self.set_aside:
            return Verdict.RUN_ELSEWHERE
        if failure is None:
            self.streaks[node_id] = 0
            return Verdict.RECORD
        self.streaks[node_id] = self.streaks.get(node_id, 0) + 1
        if self.streaks[node_id] < self.limit:
            return Verdict.RECORD
        self.set_aside[node_id] = SetAside(node_id, host, failure)
        return Verdict.SET_ASIDE

    def avoided(self) -> dict[str, str]:
        """Ray's `label_selector` that keeps a task off every node set aside ({}: none)."""
        if not self.set_aside:
            return {}
        return {NODE_ID_LABEL: "!in(" + ",".join(sorted(self.set_aside)) + ")"}

    def all_set_aside(self) -> str:
        """Why an attempt that no node is left for was not run."""
        nodes = "; ".join(each.describe() for each in self.set_aside.values())
        return f"not run: every node of the cluster that runs sandboxes was set aside ({nodes})"
