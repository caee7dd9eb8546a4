"""A hard deadline around one HTTP request: when it passes, the request's connection is shut
down, so neither a hanging server nor one dripping a byte every few seconds (which a per-read
timeout never cuts, in the status line, the headers or the body) can hold a call past it.

The `openai` client's HTTP client gets `trace_request` as a request event hook (and no
keep-alive, so every request opens its own connection); the thread that sends the request
holds a `CallWatch`, which learns the socket from the connection's trace and a timer shuts it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType
from typing import Any

CONNECTED = "connection.connect_tcp.complete"  # the httpcore trace event holding the stream
_current = threading.local()


class CallWatch:
    """`with CallWatch(seconds) as watch:` around one request sent from this thread."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> CallWatch:
        _current.watch = self
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._timer.cancel()
        _current.watch = None

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def attach(self, sock: socket.socket) -> None:
        """Watch a connection of this call (shut at once if the deadline has passed)."""
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's `trace` extension: attach the socket of each connection opened."""
        if event == CONNECTED:
            sock = info["return_value"].get_extra_info("socket")
            if isinstance(sock, socket.socket):
                self.attach(sock)


def trace_request(request: Any) -> None:
    """httpx request event hook: let the sending thread's watch, if any, see the connection."""
    watch = getattr(_current, "watch", None)
    if watch is not None:
        request.extensions["trace"] = watch.trace


def _shut(sock: socket.socket) -> None:
    """Wake whatever blocks on the socket: reads then see the end of the stream."""
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)
