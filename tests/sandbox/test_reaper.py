"""Which containers are whose: counting only this process's, and the orphan reaper removing
only containers of dead processes on this host. Fake listings: no engine needed."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import pytest

from codebench.sandbox import docker_backend as backend

HOST = socket.gethostname()


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


class FakeApi:
    def __init__(self, labels: dict[str, dict[str, str] | None]) -> None:
        self.listing = [{"Id": cid, "Labels": tags} for cid, tags in labels.items()]
        self.removed: list[str] = []
        self.removed_volumes: list[str] = []

    def volumes(self, filters: dict[str, Any]) -> dict[str, Any]:
        """Every listed container's owner has a dangling volume too."""
        assert filters == {"label": backend.LABEL, "dangling": True}
        return {
            "Volumes": [{"Name": f"vol-{c['Id']}", "Labels": c["Labels"]} for c in self.listing]
        }

    def remove_volume(self, name: str) -> None:
        self.removed_volumes.append(name)

    def containers(self, all: bool, filters: dict[str, str]) -> list[dict[str, Any]]:
        assert all and filters == {"label": backend.LABEL}
        return self.listing

    def remove_container(self, container: str, force: bool = False, v: bool = False) -> None:
        self.removed.append(container)


class FakeClient:
    def __init__(self, api: FakeApi) -> None:
        self.api = api

    def close(self) -> None:
        pass


def owned(owner: str) -> dict[str, str]:
    return {backend.LABEL: "1", backend.OWNER_LABEL: owner}


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    gone = dead_pid()
    api = FakeApi(
        {
            "other-host-dead": owned(f"elsewhere.example:{gone}"),
            "other-host-live": owned(f"elsewhere.example:{backend.os.getpid()}"),
            "this-process": owned(backend.owner_tag()),
            "live-process": owned(f"{HOST}:1"),  # init: always alive (maybe not ours to signal)
            "dead-process": owned(f"{HOST}:{gone}"),
            "no-owner": {backend.LABEL: "1"},
            "no-labels": None,
            "garbled-pid": owned(f"{HOST}:12ab"),
            "host-prefix": owned(f"{HOST}.other:{gone}"),
        }
    )
    monkeypatch.setattr(backend, "docker_client", lambda timeout=0: FakeClient(api))
    return api


def test_reaper_removes_only_containers_of_dead_processes_on_this_host(engine: FakeApi) -> None:
    """Another host's container (whatever its pid), a live process's (this one's included),
    and containers with no or a garbled owner label are never touched."""
    assert backend.reap_orphans() == 1
    assert engine.removed == ["dead-process"]


def test_own_count_ignores_everyone_else(engine: FakeApi) -> None:
    """Broke: `count_sandboxes()` counted every codebench container on the engine, so a test
    asserting "no container left" failed whenever anything else used the engine."""
    assert backend.count_sandboxes() == len(engine.listing)
    assert backend.count_sandboxes(backend.owner_tag()) == 1
    assert backend.list_sandboxes(backend.owner_tag()) == [("this-process", backend.owner_tag())]


def test_reaper_removes_dangling_volumes_of_dead_processes_on_this_host_only(
    engine: FakeApi,
) -> None:
    """Seen in the fault-injection run: connections dropped while containers were being made
    left their tmpfs volumes behind (4, with no container), on the engine for good."""
    backend.reap_orphans()
    assert engine.removed_volumes == ["vol-dead-process"]


def test_a_run_sweeps_its_own_dangling_volumes_only(engine: FakeApi) -> None:
    assert backend.sweep_own_volumes() == 1
    assert engine.removed_volumes == ["vol-this-process"]
