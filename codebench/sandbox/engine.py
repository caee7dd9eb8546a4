"""Getting a Docker engine: use a running one, else (root on Linux) install and start dockerd.

A dockerd started here never touches the host's firewall or routing: sandboxes need no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from codebench.errors import EngineUnavailableError

DOCKERD_FLAGS = ("--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false")
STATE_DIR = Path(os.environ.get("CODEBENCH_STATE_DIR", Path.home() / ".cache" / "codebench"))
DOCKERD_LOG = STATE_DIR / "dockerd.log"
DOCKERD_PID = STATE_DIR / "dockerd.pid"
START_TIMEOUT_SECONDS = 60

Log = Callable[[str], None]


def ping_engine() -> str | None:
    """None when an engine answers; else the reason it does not."""
    import docker
    import docker.errors

    try:
        client = docker.from_env(timeout=10)
        try:
            client.ping()
        finally:
            client.close()
    except docker.errors.DockerException as exc:
        return str(exc)
    return None


def ensure_engine(log: Log, *, install: bool = True) -> None:
    """Make sure a Docker engine answers, starting one if allowed, else raise why not."""
    reason = ping_engine()
    if reason is None:
        return
    if "Permission denied" in reason or "PermissionError" in reason:
        raise EngineUnavailableError(
            "a Docker engine is running but refused this user (permission denied on its "
            "socket): add the user to the 'docker' group or run as root."
        )
    if not sys.platform.startswith("linux"):
        raise EngineUnavailableError(
            "no Docker engine is running and this is not Linux, so codebench cannot start one: "
            "start Docker Desktop (or another engine) and retry."
        )
    if os.geteuid() != 0:
        raise EngineUnavailableError(
            "no Docker engine is running and codebench is not root, so it cannot start one: "
            "start dockerd (sudo systemctl start docker), or set DOCKER_HOST to a running engine."
        )
    if os.environ.get("DOCKER_HOST"):
        raise EngineUnavailableError(
            f"DOCKER_HOST={os.environ['DOCKER_HOST']} does not answer: {reason}"
        )
    dockerd = shutil.which("dockerd") or _install_docker(log, install)
    _start_dockerd(dockerd, log)


def _install_docker(log: Log, install: bool) -> str:
    if not install:
        raise EngineUnavailableError("dockerd is not installed (and installing was not allowed).")
    apt_install(["docker.io"], log)
    dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
    if not Path(dockerd).exists():
        raise EngineUnavailableError("installed docker.io but found no dockerd binary.")
    return dockerd


def apt_install(packages: list[str], log: Log) -> None:
    """Install Debian packages (root only); on failure raise with apt's output."""
    if not shutil.which("apt-get"):
        raise EngineUnavailableError(f"need {', '.join(packages)} but this system has no apt-get.")
    log(f"installing {' '.join(packages)} with apt-get (once)...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise EngineUnavailableError(f"`{' '.join(argv)}` failed:\n{done.stderr[-2000:]}")


def _start_dockerd(dockerd: str, log: Log) -> None:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    log(f"starting {dockerd} {' '.join(DOCKERD_FLAGS)} (log: {DOCKERD_LOG})")
    with DOCKERD_LOG.open("ab") as log_file:
        process = subprocess.Popen(
            [dockerd, *DOCKERD_FLAGS],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives this command, like a service
        )
    DOCKERD_PID.write_text(str(process.pid))
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if ping_engine() is None:
            log("Docker engine is up.")
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    tail = DOCKERD_LOG.read_text(errors="replace")[-2000:] if DOCKERD_LOG.exists() else ""
    raise EngineUnavailableError(f"dockerd did not come up; the end of its log:\n{tail}")
