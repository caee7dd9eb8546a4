"""A Unix-socket proxy in front of the Docker engine that can drop or stall its connections.

Not a test module: tests and `benchmarks/fault_injection.py` put it between codebench and the
engine (`DOCKER_HOST=unix://<proxy.path>`) to make the engine fail the ways it fails for real:
the connection reset mid-call, or an engine that stops answering without closing anything.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import threading
from pathlib import Path

ENGINE_SOCKET = "/var/run/docker.sock"


def engine_socket_path() -> str:
    """The real engine's socket: `DOCKER_HOST` when it is a unix:// address, else the default."""
    host = os.environ.get("DOCKER_HOST", "")
    return host.removeprefix("unix://") if host.startswith("unix://") else ENGINE_SOCKET


class EngineProxy:
    """Forwards every connection to the engine; `drop()` resets all of them (and refuses new
    ones until `resume()`), `stall()` freezes them (bytes are held, nothing is closed)."""

    def __init__(self, target: str | None = None) -> None:
        self.target = target or engine_socket_path()
        self._dir = tempfile.mkdtemp(prefix="codebench-proxy-")
        self.path = str(Path(self._dir, "engine.sock"))
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(64)
        self._flowing = threading.Event()
        self._flowing.set()
        self._dropping = False
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True, name="engine-proxy").start()

    @property
    def docker_host(self) -> str:
        """The value of DOCKER_HOST that sends a client through this proxy."""
        return f"unix://{self.path}"

    def stall(self) -> None:
        """Stop forwarding anything, on old and new connections, without closing them."""
        self._flowing.clear()

    def drop(self) -> None:
        """Reset every open connection and refuse new ones."""
        self._dropping = True
        with self._lock:
            doomed, self._open = list(self._open), set()
        for sock in doomed:
            _reset(sock)

    def resume(self) -> None:
        """Forward again (held bytes go through) and accept new connections."""
        self._dropping = False
        self._flowing.set()

    def close(self) -> None:
        """Stop listening and end every connection."""
        self.drop()
        self._flowing.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.rmdir(self._dir)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._dropping:
                _reset(client)
                continue
            self.connections += 1
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(self.target)
        except OSError:
            _reset(client)
            return
        with self._lock:
            self._open.update((client, upstream))
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            self._flowing.wait()
            if not data:
                with contextlib.suppress(OSError):
                    sink.shutdown(socket.SHUT_WR)  # half-close, as the engine's streams need
                return
            try:
                sink.sendall(data)
            except OSError:
                return


def _reset(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
