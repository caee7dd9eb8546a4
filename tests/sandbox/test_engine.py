"""Getting a Docker engine: the rules of DESIGN.md and a clear message when none can be had."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codebench.errors import EngineUnavailableError
from codebench.sandbox import engine


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "ping_engine", lambda: "connection refused")
    monkeypatch.delenv("DOCKER_HOST", raising=False)


def test_running_engine_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "ping_engine", lambda: None)
    monkeypatch.setattr(engine, "_start_dockerd", lambda *a: pytest.fail("must not start dockerd"))
    engine.ensure_engine(lambda _: None)


def test_not_linux_says_so(no_engine: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.sys, "platform", "darwin")
    with pytest.raises(EngineUnavailableError, match="not Linux"):
        engine.ensure_engine(lambda _: None)


def test_not_root_says_so(no_engine: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.os, "geteuid", lambda: 1000)
    with pytest.raises(EngineUnavailableError, match="not root"):
        engine.ensure_engine(lambda _: None)


def test_refused_socket_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        engine,
        "ping_engine",
        lambda: "('Connection aborted.', PermissionError(13, 'Permission denied'))",
    )
    with pytest.raises(EngineUnavailableError, match="refused this user"):
        engine.ensure_engine(lambda _: None)


def test_dockerd_starts_with_exactly_the_no_network_flags(
    no_engine: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: list[list[str]] = []

    class FakeProcess:
        pid = 4242

        def __init__(self, argv: list[str], **_: object) -> None:
            started.append(argv)

        def poll(self) -> int:
            return 1  # exits at once: the error path must show the log

    monkeypatch.setattr(engine.os, "geteuid", lambda: 0)
    monkeypatch.setattr(engine.sys, "platform", "linux")
    monkeypatch.setattr(engine.shutil, "which", lambda name: f"/usr/sbin/{name}")
    monkeypatch.setattr(engine, "STATE_DIR", tmp_path)
    monkeypatch.setattr(engine, "DOCKERD_LOG", tmp_path / "dockerd.log")
    monkeypatch.setattr(engine, "DOCKERD_PID", tmp_path / "dockerd.pid")
    monkeypatch.setattr(subprocess, "Popen", FakeProcess)
    with pytest.raises(EngineUnavailableError, match="did not come up"):
        engine.ensure_engine(lambda _: None)
    assert started == [
        [
            "/usr/sbin/dockerd",
            "--bridge=none",
            "--iptables=false",
            "--ip-forward=false",
            "--ip-masq=false",
        ]
    ]
    assert (tmp_path / "dockerd.pid").read_text() == "4242"
