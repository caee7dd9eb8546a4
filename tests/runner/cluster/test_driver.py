"""The driver's checks before any attempt runs: loopback addresses, a cluster without sandbox
slots, ray missing; and how it dispatches attempts around a node set aside (on a fake ray)."""

from __future__ import annotations

import builtins
import io
import socket
import subprocess
import sys
from collections import deque
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from rich.console import Console

from codebench.errors import ConfigError
from codebench.models import get_model
from codebench.results import Status
from codebench.runner import ResultStore
from codebench.runner.attempt import AttemptOutcome, WorkItem
from codebench.runner.cluster import driver
from codebench.runner.cluster.driver import ClusterSettings, is_loopback
from codebench.runner.cluster.health import FAILURES_IN_A_ROW, NODE_ID_LABEL
from codebench.runner.cluster.shipping import AttemptFailure, AttemptReport
from codebench.tasks import Scope, Task
from tests.conftest import result


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1:6379", True),
        ("localhost:6379", True),
        ("ray://127.0.0.5:10001", True),
        ("[::1]:6379", True),
        ("10.0.0.7:6379", False),
        ("head.example:6379", False),
        ("192.0.2.2:6379", False),
    ],
)
def test_loopback_addresses(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def test_a_cluster_without_sandbox_slots_says_how_to_offer_them() -> None:
    fake = SimpleNamespace(cluster_resources=lambda: {"CPU": 8.0})
    with pytest.raises(ConfigError, match=r"no node .* sandbox slot.*--resources"):
        driver._check_slots(fake, ClusterSettings(address="10.0.0.7:6379"))
    driver._check_slots(
        SimpleNamespace(cluster_resources=lambda: {driver.SLOT_RESOURCE: 1.0}), ClusterSettings()
    )


def test_ray_missing_is_a_config_error_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_ray(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(ConfigError, match=r"pip install 'codebench\[ray\]'"):
        driver.import_ray(None)


def test_a_driver_that_finds_a_token_uses_token_authentication() -> None:
    """Broke: against a `ray start` head that had found ~/.ray/auth_token, the driver's
    ray.init waited forever, refused ("Authentication token is missing or incorrect")."""
    found = driver.ray_variables("10.0.0.7:6379", {"RAY_AUTH_TOKEN": "a" * 32})
    assert found == {"RAY_USAGE_STATS_ENABLED": "0", driver.AUTH_MODE_VARIABLE: "token"}


def test_what_the_environment_sets_is_kept() -> None:
    environ = {driver.AUTH_MODE_VARIABLE: "disabled", "RAY_AUTH_TOKEN": "a" * 32,
               "RAY_USAGE_STATS_ENABLED": "1"}  # fmt: skip
    assert driver.ray_variables("10.0.0.7:6379", environ) == {}


def test_a_cluster_of_this_machine_stays_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "DEFAULT_TOKEN_FILE", driver.Path("/nonexistent/auth_token"))
    for address in (None, "127.0.0.1:6379"):
        assert driver.ray_variables(address, {})[driver.LOOPBACK_VARIABLE] == "0"
    assert driver.LOOPBACK_VARIABLE not in driver.ray_variables("10.0.0.7:6379", {})
    assert driver.AUTH_MODE_VARIABLE not in driver.ray_variables(None, {})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (f"127.0.0.1:{_closed_port()}", "nothing answers there"),
        ("head-without-a-port", "give HOST:PORT"),
        ("127.0.0.1:port", "give HOST:PORT"),
    ],
)
def test_an_address_where_no_head_listens_is_refused_at_once(address: str, message: str) -> None:
    """Broke: ray.init retried an address where nothing listened for minutes, silently."""
    never = SimpleNamespace(init=lambda **_: pytest.fail("ray.init must not be reached"))
    with (
        pytest.raises(ConfigError, match=message),
        driver.connected(never, ClusterSettings(address=address)),
    ):
        pytest.fail("the block must not run")


def test_ray_is_imported_only_when_a_run_asks_for_it() -> None:
    probe = (
        "import sys; import codebench.runner, codebench.runner.cluster.driver, "
        "codebench.runner.cluster.worker; print('ray' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


class FakeRay:
    """What `_dispatch` asks of ray: every attempt sent is ready at the next wait."""

    class exceptions:  # noqa: N801 (ray's own name)
        RayError = RuntimeError

    def __init__(self, node_ids: list[str]) -> None:
        self.node_ids = node_ids
        self.reports: dict[int, object] = {}

    def wait(self, refs: list[int], num_returns: int, timeout: float) -> tuple[list[int], list]:
        return list(refs), []

    def get(self, ref: int) -> object:
        return self.reports[ref]

    def cluster_resources(self) -> dict[str, float]:
        return {driver.SLOT_RESOURCE: float(len(self.node_ids))}

    def nodes(self) -> list[dict[str, Any]]:
        return [
            {"NodeID": node, "Alive": True, "Resources": {driver.SLOT_RESOURCE: 1.0}}
            for node in self.node_ids
        ]


class FakeSender:
    """Ray's scheduler as a test wants it: every attempt goes to node "bad" (no engine) unless
    the label selector avoids it, then to "good", which grades it."""

    def __init__(self, ray: FakeRay) -> None:
        self.ray = ray
        self.sent: list[tuple[int, dict[str, str]]] = []

    def send(self, item: WorkItem, avoid: dict[str, str]) -> int:
        ref = len(self.sent)
        self.sent.append((item.sample, avoid))
        if "bad" in avoid.get(NODE_ID_LABEL, ""):
            graded = result(item.task.id, Scope.LOCAL, item.model.slug, Status.RESOLVED,
                            sample=item.sample)  # fmt: skip
            self.ray.reports[ref] = AttemptReport(graded, False, graded, (), "h", "good")
        else:
            reason = "on node h: no Docker engine answers"
            self.ray.reports[ref] = AttemptFailure(Status.SANDBOX_ERROR, reason, "h", "bad")
        return ref


def dispatched(
    mini_tasks: dict[str, Task], tmp_path: Path, node_ids: list[str]
) -> tuple[list[AttemptOutcome], FakeSender, str]:
    """Ten attempts dispatched on a fake cluster of `node_ids`: their outcomes, the sender,
    what the console said."""
    fake = FakeRay(node_ids)
    sender = FakeSender(fake)
    task, model = mini_tasks["mini-div-zero"], get_model("gold", {})
    queue = deque(WorkItem(task, model, sample) for sample in range(10))
    outcomes: list[AttemptOutcome] = []
    out = io.StringIO()
    run = driver._Dispatch(fake, cast(Any, sender), ResultStore(tmp_path),
                           Console(file=out, width=300), outcomes.append, {})  # fmt: skip
    driver._dispatch(run, queue)
    return outcomes, sender, out.getvalue()


def test_attempts_sent_to_a_node_before_it_was_set_aside_run_on_another(
    mini_tasks: dict[str, Task], tmp_path: Path
) -> None:
    outcomes, sender, said = dispatched(mini_tasks, tmp_path, ["bad", "good"])
    statuses = sorted(o.result.status.value for o in outcomes)
    assert statuses == ["resolved"] * 7 + ["sandbox_error"] * FAILURES_IN_A_ROW
    assert sorted(o.result.sample for o in outcomes) == list(range(10))  # each ended once
    window = 2 + driver.WINDOW_SPARE  # twice the slots, at least slots + WINDOW_SPARE
    assert all(avoid == {} for _, avoid in sender.sent[:window])  # all go to "bad"
    assert all(avoid == {NODE_ID_LABEL: "!in(bad)"} for _, avoid in sender.sent[window:])
    again = window - FAILURES_IN_A_ROW  # in flight to "bad" when it was set aside
    assert len(sender.sent) == 10 + again, "those in flight to the bad node ran again"
    assert "node bad (h) set aside after 3 infrastructure failures" in said


def test_when_no_node_is_left_the_attempts_end_as_sandbox_errors_saying_why(
    mini_tasks: dict[str, Task], tmp_path: Path
) -> None:
    outcomes, sender, _ = dispatched(mini_tasks, tmp_path, ["bad"])
    assert [o.result.status for o in outcomes] == [Status.SANDBOX_ERROR] * 10
    reasons = [o.result.reason for o in outcomes]
    assert sum(r.startswith("on node h") for r in reasons) == FAILURES_IN_A_ROW
    assert sum(r.startswith("not run: every node") for r in reasons) == 7
    assert len(sender.sent) == driver.WINDOW_SPARE + 1  # never sent where it cannot run
    stored = ResultStore(tmp_path).load("mini-div-zero", "gold", 9)
    assert stored is not None and stored.reason.startswith("not run: every node")
