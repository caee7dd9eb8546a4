"""Riding out an engine that drops connections: retries, and a breaker for one that is gone.

A restarting engine, or a pooled connection it closed, fails a call at once with a connection
error; the same call a moment later works. Starting a sandbox and removing one are safe to
repeat, so they are retried for a few seconds. Stalls (read timeouts) are not retried: they
already cost a whole timeout. After several sandboxes in a row could not be started even so,
the engine counts as gone and later starts fail at once, until one succeeds again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import requests.exceptions

T = TypeVar("T")
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)  # about 15 s in all
BREAKER_THRESHOLD = 3  # sandboxes in a row that could not be started, retries included


def is_connection_failure(exc: BaseException | None) -> bool:
    """True for a refused, reset or aborted connection (or a missing socket): not a stall,
    and not an answer the engine gave."""
    while exc is not None:
        if isinstance(exc, requests.exceptions.ReadTimeout | TimeoutError):
            return False
        if isinstance(
            exc,
            requests.exceptions.ConnectionError | ConnectionError | FileNotFoundError,
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class EngineBreaker:
    """Counts sandboxes in a row that could not be started for want of a connection."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures = 0

    def succeeded(self) -> None:
        """A sandbox started: the engine is back."""
        with self._lock:
            self._failures = 0

    def failed(self) -> None:
        """A sandbox could not be started, retries included."""
        with self._lock:
            self._failures += 1

    @property
    def open(self) -> bool:
        """True when starts should fail at once (the engine looks gone)."""
        with self._lock:
            return self._failures >= BREAKER_THRESHOLD

    def describe(self) -> str:
        """Why starts fail at once, for the attempt's reason."""
        return (
            f"the Docker engine is unreachable: {self._failures} sandboxes in a row could not "
            "be started (retried for 15 s each); each start now tries once, until one works"
        )


BREAKER = EngineBreaker()


def retry_connection(call: Callable[[], T], *, give_up: Callable[[], bool] | None = None) -> T:
    """`call()`, again after each of RETRY_DELAYS while it fails with a connection failure
    (and `give_up()` is False); the last failure is raised."""
    for delay in RETRY_DELAYS:
        try:
            return call()
        except Exception as exc:
            if not is_connection_failure(exc) or (give_up is not None and give_up()):
                raise
        time.sleep(delay)
    return call()
