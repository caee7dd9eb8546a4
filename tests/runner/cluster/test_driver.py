"""The driver's checks before any attempt runs: loopback addresses, a cluster without sandbox
slots, ray missing."""

from __future__ import annotations

import builtins
import socket
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from codebench.errors import ConfigError
from codebench.runner.cluster import driver
from codebench.runner.cluster.driver import ClusterSettings, is_loopback


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
