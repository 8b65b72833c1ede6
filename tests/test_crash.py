"""kill -9 of the server process under a load of dialogs and reports, then restart.

A clean run and a crashed run of the same users (same scripts, same update ids) must end
the same: every reply delivered in order (apart from measured at-least-once repeats of a
message), every acknowledged report stored once, no update answered twice, sessions going
on after each restart. The larger version with more users and kills is test_soak.py.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.bot_process import World, check, run


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


async def kill_9_round(tmp_path, users: int, kills: int, seed: int, pause: float) -> dict:
    """The clean run and the crashed run, side by side (two bot processes), then compared."""
    worlds: list[World] = []

    async def clean():
        world, world_users = await run(tmp_path, "clean", users, kills=0, seed=seed, pause=pause)
        worlds.append(world)
        await world.settled(world_users, {u.ident: 0 for u in world_users}, timeout=60)
        return world, world_users

    async def crashed():
        world, world_users = await run(
            tmp_path, "crashed", users, kills=kills, seed=seed, pause=pause
        )
        worlds.append(world)
        return world, world_users

    try:
        (baseline, base_users), (crashed_world, crashed_users) = await asyncio.gather(
            clean(), crashed()
        )
        expected = {u.ident: len(baseline.received(u)) for u in base_users}
        await crashed_world.settled(crashed_users, expected, timeout=120)
        numbers = check(baseline, crashed_world, base_users, crashed_users)
    finally:
        for world in worlds:
            await world.close()
    print(f"\nkill -9 round: {numbers}")
    return numbers


async def test_kill_9_during_load_loses_nothing_and_answers_once(tmp_path):
    numbers = await kill_9_round(tmp_path, users=6, kills=1, seed=7, pause=0.08)
    assert numbers["kills"] == 1 and numbers["resends"] > 0, "killed while users wrote"
