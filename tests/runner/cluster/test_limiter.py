"""The cluster's call slots: at most N leases at once, a lease of a dead worker lapses, and a
lapsed lease released late never frees a slot twice."""

from __future__ import annotations

import asyncio

from codebench.runner.cluster.limiter import CallSlots


def test_a_third_call_waits_for_one_of_two_slots() -> None:
    async def scenario() -> tuple[bool, str]:
        slots = CallSlots(2)
        first = await slots.acquire()
        await slots.acquire()
        third = asyncio.ensure_future(slots.acquire())
        await asyncio.sleep(0.2)
        waited = not third.done()
        await slots.release(first)
        return waited, await asyncio.wait_for(third, 2)

    waited, lease = asyncio.run(scenario())
    assert waited and lease


def test_a_dead_workers_lease_lapses() -> None:
    async def scenario() -> str:
        slots = CallSlots(1, lease_seconds=0.1)
        await slots.acquire()  # its worker is killed: never released
        return await asyncio.wait_for(slots.acquire(), 2)

    assert asyncio.run(scenario())


def test_releasing_a_lapsed_lease_frees_nothing() -> None:
    """A slow call whose lease lapsed, released after another took its slot, must not make a
    third slot appear."""

    async def scenario() -> tuple[int, bool]:
        slots = CallSlots(1, lease_seconds=0.1)
        slow = await slots.acquire()
        await asyncio.sleep(0.15)
        await slots.acquire()  # the lapsed slot, taken again
        await slots.release(slow)  # late: ignored
        extra = asyncio.ensure_future(slots.acquire())
        await asyncio.sleep(0.05)
        blocked = not extra.done()
        extra.cancel()
        return await slots.peak(), blocked

    peak, blocked = asyncio.run(scenario())
    assert blocked and peak == 1
