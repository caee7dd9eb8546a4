"""Local Ray clusters on loopback for the cluster tests: a head and a second node, each with
its own sandbox slots, all of them children of this test process.

Ray binds and announces the host's address unless told the cluster is one machine's: the
variable below (Ray's own, for laptops) keeps every port on 127.0.0.1. It must be set before
ray is imported, so it is set here, when pytest collects.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codebench.runner.cluster.driver import AUTH_MODE_VARIABLE, LOOPBACK_VARIABLE, SLOT_RESOURCE

os.environ.setdefault(LOOPBACK_VARIABLE, "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
# The clusters here start without token authentication, whatever token this machine holds;
# a driver in token mode would refuse their workers' calls (OwnerDiedError). The drivers the
# tests start, in this process or as `codebench run`, inherit the same setting.
os.environ[AUTH_MODE_VARIABLE] = "disabled"
NO_ENGINE = "unix:///nonexistent/codebench-no-engine.sock"


@dataclass
class LocalCluster:
    """A Ray cluster of this machine: its address and its nodes (ray's `Node` objects)."""

    cluster: Any
    nodes: list[Any]

    @property
    def address(self) -> str:
        return str(self.cluster.address)

    def raylet_pids(self) -> dict[int, int]:
        """pid of each node's raylet -> the node's index in `nodes`."""
        found = {}
        for index, node in enumerate(self.nodes):
            for info in node.all_processes.get("raylet", []):
                found[info.process.pid] = index
        return found


def start_cluster(*node_args: dict[str, Any]) -> LocalCluster:
    """A head with the first arguments, then a node for each of the others; fails in CI and
    skips loudly elsewhere when Ray cannot start."""
    try:
        from ray.cluster_utils import Cluster
    except ImportError as exc:
        _cannot_start(f"ray is not installed ({exc}); pip install 'codebench[ray]'")
    common = {"node_ip_address": "127.0.0.1", "include_dashboard": False}
    try:
        cluster = Cluster(initialize_head=True, head_node_args={**common, **node_args[0]})
        nodes = [cluster.head_node]
        for args in node_args[1:]:
            nodes.append(cluster.add_node(**{**common, **args}))
        cluster.wait_for_nodes()
    except Exception as exc:
        _cannot_start(f"a local Ray cluster did not start: {type(exc).__name__}: {exc}")
    return LocalCluster(cluster, nodes)


def _cannot_start(reason: str) -> Any:
    from tests.conftest import _docker_skips

    message = f"RAY CLUSTER TESTS SKIPPED: {reason}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}. The cluster tests must run in CI.")
    _docker_skips.append(message)
    pytest.skip(message)


def slots(count: int) -> dict[str, Any]:
    """A node's arguments: `count` sandbox slots and a CPU."""
    return {"num_cpus": 1, "resources": {SLOT_RESOURCE: count}}


@pytest.fixture(scope="module")
def two_nodes() -> Iterator[LocalCluster]:
    """A head and a second node, one sandbox slot each."""
    local = start_cluster(slots(1), slots(1))
    yield local
    local.cluster.shutdown()


@pytest.fixture
def engineless_node() -> Iterator[LocalCluster]:
    """A head without sandbox slots and a node whose DOCKER_HOST leads nowhere."""
    local = start_cluster({"num_cpus": 1}, {**slots(1), "env_vars": {"DOCKER_HOST": NO_ENGINE}})
    yield local
    local.cluster.shutdown()


@pytest.fixture
def healthy_and_engineless() -> Iterator[LocalCluster]:
    """A head with an engine and a node whose DOCKER_HOST leads nowhere, one slot each."""
    local = start_cluster(slots(1), {**slots(1), "env_vars": {"DOCKER_HOST": NO_ENGINE}})
    yield local
    local.cluster.shutdown()


def parent_of(pid: int) -> int | None:
    """The parent pid of a live process (None once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def descends_from(pid: int, ancestor: int) -> bool:
    """Whether live process `pid` is `ancestor` or one of its descendants."""
    current: int | None = pid
    while current is not None and current > 1:
        if current == ancestor:
            return True
        current = parent_of(current)
    return False


class OwnContainers:
    """The sandboxes this test's processes made, seen while they were alive: only these are
    counted (another user of the engine may run containers of its own)."""

    def __init__(self) -> None:
        self.owners: set[str] = set()
        self.pids: set[int] = set()

    def look(self) -> list[tuple[str, int]]:
        """Note every live container of ours; return (container id, owner pid) of each."""
        from codebench.sandbox.docker_backend import list_sandboxes

        host, mine = socket.gethostname(), []
        for container, owner in list_sandboxes():
            owner_host, _, pid = owner.partition(":")
            if owner_host == host and pid.isdigit() and descends_from(int(pid), os.getpid()):
                self.owners.add(owner)
                self.pids.add(int(pid))
                mine.append((container, int(pid)))
        return mine

    def left(self, wait: float = 20.0) -> list[str]:
        """Ours still there after up to `wait` seconds (a removal in flight may finish)."""
        from codebench.sandbox.docker_backend import list_sandboxes

        deadline = time.monotonic() + wait
        while True:
            still = [c for c, owner in list_sandboxes() if owner in self.owners]
            if not still or time.monotonic() > deadline:
                return still
            time.sleep(0.2)
