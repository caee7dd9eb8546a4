"""Model calls at once across a whole Ray cluster: one actor hands out leases, every worker's
models hold one around each provider call (`--model-workers` for the cluster, not per node).

A lease ends when its call returns, or after `lease_seconds` when its worker died holding it
(a killed worker never says it is done), so a dead worker cannot shrink the limit for good.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from types import TracebackType
from typing import Any

LEASE_SECONDS = 900.0  # longer than any call's deadline (`codebench.models.deadline`)
POLL_SECONDS = 0.05  # a waiting acquire looks again this often


class CallSlots:
    """The cluster's call slots (run as an async Ray actor: its methods never block it)."""

    def __init__(self, slots: int, lease_seconds: float = LEASE_SECONDS) -> None:
        self._free = max(1, slots)
        self._lease_seconds = lease_seconds
        self._leases: dict[str, float] = {}  # lease -> when it lapses (monotonic)
        self.most_held = 0

    async def acquire(self) -> str:
        """Wait for a free slot; return its lease."""
        while True:
            self._expire()
            if self._free > 0:
                self._free -= 1
                lease = uuid.uuid4().hex
                self._leases[lease] = time.monotonic() + self._lease_seconds
                self.most_held = max(self.most_held, len(self._leases))
                return lease
            await asyncio.sleep(POLL_SECONDS)

    async def release(self, lease: str) -> None:
        """Free the lease's slot (a lease that lapsed already is ignored)."""
        if self._leases.pop(lease, None) is not None:
            self._free += 1

    async def peak(self) -> int:
        """The most leases held at once so far (for tests and the run's summary)."""
        return self.most_held

    def _expire(self) -> None:
        now = time.monotonic()
        for lease in [lease for lease, until in self._leases.items() if until <= now]:
            del self._leases[lease]
            self._free += 1


class ClusterCallLimiter:
    """A context manager over the `CallSlots` actor `slots` (a Ray actor handle): what a
    worker's models hold around each call, in place of the process's own semaphore."""

    def __init__(self, slots: Any) -> None:
        self._slots = slots
        self._held = threading.local()

    def __enter__(self) -> object:
        import ray

        lease = ray.get(self._slots.acquire.remote())
        self._stack().append(lease)
        return lease

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        import ray

        lease = self._stack().pop()
        ray.get(self._slots.release.remote(lease))

    def _stack(self) -> list[str]:
        stack: list[str] | None = getattr(self._held, "leases", None)
        if stack is None:
            stack = self._held.leases = []
        return stack

    def __reduce__(self) -> tuple[type[ClusterCallLimiter], tuple[Any]]:
        # a thread-local cannot be pickled: a worker gets the actor handle and makes its own
        return (ClusterCallLimiter, (self._slots,))
