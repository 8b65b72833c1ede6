"""What the channel adapters share: start-up ordering of stored events, shared locations."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.base import StartGate
from bot.messages import Location


async def test_events_stored_while_starting_go_behind_the_inbox_each_once():
    queued: list[str] = []

    async def queue(item: str) -> None:
        queued.append(item)
        if item == "early-1":  # a new event arrives while the early ones are being queued
            await gate.put("during")
        await asyncio.sleep(0)

    gate: StartGate[str] = StartGate(queue, key=lambda item: item)
    await gate.put("early-1")
    await gate.put("inbox-2")  # stored before the crash and arriving again
    await gate.put("early-2")
    await gate.open(["inbox-1", "inbox-2"])
    await gate.put("live")
    assert queued == ["inbox-1", "inbox-2", "early-1", "early-2", "during", "live"]


async def test_a_closed_gate_holds_events_for_the_next_start():
    queued: list[str] = []

    async def queue(item: str) -> None:
        queued.append(item)

    gate: StartGate[str] = StartGate(queue, key=lambda item: item)
    await gate.open([])
    gate.close()
    await gate.put("while-stopping")  # stored in the inbox: the next start replays it
    assert queued == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"latitude": -6.12, "longitude": "106.15"}, Location(-6.12, 106.15)),
        ({"latitude": 91, "longitude": 0}, None),
        ({"latitude": "nan", "longitude": 0}, None),
        ({"latitude": 1}, None),
        ([1, 2], None),
        ({"latitude": None, "longitude": 0}, None),
    ],
)
def test_a_shared_location_is_read_only_when_complete_and_in_range(fields, expected):
    assert Location.parse(fields) == expected
