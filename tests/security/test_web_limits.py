"""Hardening 2 and 5: the web chat limits each client address, before anything is read or
stored, and cookie-less requests create no sessions.

The attack: cookie-less requests (20,000 in 8.8 s) each made a session row, kept 90 days,
and a script minting a new cookie per request slipped past the per-user flood limit. Now an
address gets `flood.per_address_burst` requests at once, then `per_address_per_minute`;
beyond that 429 with the content's "slow down" text and nothing stored. A request without a
session the server issued must be the page's `{"open": true}` (anything else: 400). Behind
a proxy listed in `server.trusted_proxies` the limit applies to the forwarded address; from
anyone else X-Forwarded-For is not believed.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp

from bot.messages import Inbound
from tests.security.test_web_sessions import chat, rows, session_ids, set_cookie, web_client

COOKIE_LESS_FLOOD = 20_000


async def flood(url: str, count: int, body: bytes, headers: dict[str, str]) -> dict[int, int]:
    """`count` POSTs without cookies over 64 connections; how many got each status."""
    statuses: dict[int, int] = {}
    queue = iter(range(count))
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:

        async def worker() -> None:
            for _ in queue:
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        await asyncio.gather(*(worker() for _ in range(64)))
    return statuses


async def test_a_cookie_less_flood_creates_no_session_and_is_cut_off(
    tmp_path: Path, fixture_content, actions
):
    async with web_client(tmp_path, fixture_content, actions) as client:
        url = str(client.make_url("/api/chat"))
        json_headers = {"Content-Type": "application/json"}
        started = time.monotonic()
        statuses = await flood(url, COOKIE_LESS_FLOOD, b'{"text": "halo"}', json_headers)
        seconds = time.monotonic() - started
        assert sum(statuses.values()) == COOKIE_LESS_FLOOD
        # the burst is admitted (and refused for want of a session), the rest is cut off
        assert 60 <= statuses[400] <= 60 + 2 * seconds + 1, statuses
        assert statuses[429] == COOKIE_LESS_FLOOD - statuses[400]
        assert set(statuses) == {400, 429}
        assert session_ids(tmp_path) == set(), "no session row for a cookie-less request"
        assert rows(tmp_path, "SELECT COUNT(*) FROM processed_updates") == [(0,)]

        response = await chat(client, {"open": True})
        assert response.status == 429, "the address is still over its limit"
        body = await response.json()
        slow_down = fixture_content.flows.message("slow_down", "id")
        assert body["replies"] == [{"text": slow_down, "options": [], "expects": ""}]
        assert "Set-Cookie" not in response.headers


async def test_opening_over_and_over_makes_at_most_the_allowance_of_sessions(
    tmp_path: Path, fixture_content, actions
):
    async with web_client(
        tmp_path, fixture_content, actions, per_address_burst=30, per_address_per_minute=60
    ) as client:
        url = str(client.make_url("/api/chat"))
        headers = {"Content-Type": "application/json"}
        started = time.monotonic()
        statuses = await flood(url, 2_000, b'{"open": true}', headers)
        seconds = time.monotonic() - started
        assert 30 <= statuses[200] <= 30 + seconds + 1 and set(statuses) == {200, 429}
        assert len(session_ids(tmp_path)) == statuses[200]


async def test_one_address_flooding_does_not_slow_another_behind_the_proxy(
    tmp_path: Path, fixture_content, actions
):
    seen: list[Inbound] = []
    async with web_client(
        tmp_path,
        fixture_content,
        actions,
        trusted_proxies=["127.0.0.1/32", "10.0.0.0/8"],
        per_address_burst=5,
        per_address_per_minute=1,
    ) as client:
        receive = client.channel.receive

        async def spy(inbound: Inbound):
            seen.append(inbound)
            return await receive(inbound)

        client.channel.receive = spy
        # the attacker writes whatever it likes left of what the proxies add: not believed
        statuses = []
        for n in range(12):
            forwarded = f"198.51.100.{n}, 203.0.113.7, 10.1.2.3"  # client, nginx, inner proxy
            response = await chat(client, {"open": True}, **{"X-Forwarded-For": forwarded})
            statuses.append(response.status)
        assert statuses == [200] * 5 + [429] * 7
        assert {inbound.client for inbound in seen} == {"203.0.113.7"}
        # somebody else behind the same proxy is not affected
        response = await chat(client, {"open": True}, **{"X-Forwarded-For": "192.0.2.44"})
        assert response.status == 200 and seen[-1].client == "192.0.2.44"
        # one IPv6 host holds a whole /64: its addresses share one allowance
        v6 = [
            (await chat(client, {"open": True}, **{"X-Forwarded-For": f"2001:db8:1:2::{n:x}"}))
            for n in range(7)
        ]
        assert [r.status for r in v6] == [200] * 5 + [429] * 2


async def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(
    tmp_path: Path, fixture_content, actions
):
    seen: list[Inbound] = []
    async with web_client(
        tmp_path, fixture_content, actions, per_address_burst=3, per_address_per_minute=1
    ) as client:
        receive = client.channel.receive

        async def spy(inbound: Inbound):
            seen.append(inbound)
            return await receive(inbound)

        client.channel.receive = spy
        statuses = [
            (await chat(client, {"open": True}, **{"X-Forwarded-For": f"192.0.2.{n}"})).status
            for n in range(6)
        ]
        assert statuses == [200, 200, 200, 429, 429, 429], "rotating the header does not help"
        assert {inbound.client for inbound in seen} == {"127.0.0.1"}


async def test_a_request_over_the_limit_stores_nothing(tmp_path: Path, fixture_content, actions):
    async with web_client(
        tmp_path, fixture_content, actions, per_address_burst=2, per_address_per_minute=1
    ) as client:
        opened = await chat(client, {"open": True})
        cookie = set_cookie(opened)["ma_chat"].value
        assert (await chat(client, {"text": "2"}, cookie)).status == 200
        before = rows(tmp_path, "SELECT * FROM sessions")
        form = aiohttp.FormData()
        form.add_field("photo", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, filename="a.png")
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            response = await session.post(
                client.make_url("/api/chat"), data=form, headers={"Cookie": f"ma_chat={cookie}"}
            )
            assert response.status == 429
        assert (await chat(client, {"text": "kembali"}, cookie)).status == 429
        assert rows(tmp_path, "SELECT * FROM sessions") == before
        assert not (tmp_path / "media").exists()


async def test_the_address_limit_can_be_turned_off(tmp_path, fixture_content, actions):
    async with web_client(tmp_path, fixture_content, actions, per_address_burst=0) as client:
        statuses = {(await chat(client, {"open": True})).status for _ in range(80)}
        assert statuses == {200}
