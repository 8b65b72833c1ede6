"""Hardening 2: a flood of fake reports cannot bury the officers or the real urgent report.

Reports are filed through the real `file_report` action and store; the officers' chat is
the outbox of Telegram chat -100, read the way its delivery worker reads it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.actions import ActionContext, load_actions
from bot.effects import REPORT_NUMBER
from bot.services import Services
from bot.store import Store
from tests.conftest import NOW

ANSWERS = {"offer": "Kerja pabrik, bayar 5 juta", "recruiter": "Pak Udin", "contact": "anonymous"}


@pytest.fixture
async def services(tmp_path: Path):
    store = Store(tmp_path / "bot.db")
    await store.open()
    yield Services(store=store, officer_chat_id=-100, media_dir=tmp_path / "media")
    await store.close()


async def file(services, flows, user: str, n: int, client: str = "", urgent: bool = False):
    action = load_actions()["file_report"]
    answers = {**ANSWERS, "danger": "yes" if urgent else "no"}
    context = ActionContext(
        lang="id",
        args={},
        answers=answers,
        data=None,
        now=NOW + timedelta(seconds=n),
        channel="web",
        user=user,
        update_id=f"{user}-{n}",
        services=services,
        flows=flows,
        client=client,
    )
    result = await action.run(context)
    # committed as the runtime commits a turn, the report's number filled in
    report = await services.store.commit_effects("web", "", context.now, list(result.effects))
    texts = [text.replace(REPORT_NUMBER, report) for text in result.texts]
    return replace(result, texts=texts)


async def test_one_user_files_at_most_five_reports_an_hour(services, shipped_content):
    flows = shipped_content.flows
    results = [await file(services, flows, "u1", n) for n in range(7)]
    assert [r.failed for r in results] == [False] * 5 + [True] * 2
    assert "banyak laporan" in results[-1].texts[0]
    retried = await file(services, flows, "u1", 0)  # a redelivered message of a filed one
    assert not retried.failed and "SRG-2026-00001" in retried.texts[0]


async def test_one_address_files_at_most_twenty_reports_an_hour(services, shipped_content):
    flows = shipped_content.flows
    results = [await file(services, flows, f"cookie{n}", n, client="10.9.8.7") for n in range(22)]
    assert sum(not r.failed for r in results) == 20
    assert not (await file(services, flows, "other", 99, client="10.9.8.6")).failed


async def test_many_reports_at_once_become_one_digest_and_urgent_goes_first(
    services, shipped_content
):
    flows = shipped_content.flows
    for n in range(12):
        await file(services, flows, f"user{n}", n)
    await file(services, flows, "victim", 50, urgent=True)
    store = services.store
    queued = await store.due_outbox("telegram", NOW + timedelta(hours=1), 100)
    (first,) = queued  # one chat: its first message is the one due
    assert "MENDESAK" in first.body["text"], "the urgent card goes before the backlog"
    rows = store_rows(store, "SELECT body FROM outbox WHERE user_ref = '-100' ORDER BY id")
    texts = [row for row in rows]
    assert len(texts) == 5 + 1 + 1, "five cards, one digest, the urgent card"
    assert any('"digest":7' in text and "7 laporan baru" in text for text in texts)


def store_rows(store: Store, sql: str) -> list[str]:
    import sqlite3

    with sqlite3.connect(store.path) as db:
        return [row[0] for row in db.execute(sql).fetchall()]


async def test_rotating_ipv6_addresses_in_one_block_share_one_cap(services, shipped_content):
    from bot.channels.webchat import limit_key

    flows = shipped_content.flows
    filed = 0
    for n in range(40):
        result = await file(services, flows, f"c{n}", n, client=limit_key(f"2001:db8::{n:x}"))
        filed += not result.failed
    assert filed == 20, "one /64 is one address"


async def test_erasing_ones_data_does_not_reset_the_cap(services, shipped_content):
    flows = shipped_content.flows
    for n in range(5):
        assert not (await file(services, flows, "u9", n)).failed
    await services.store.commit_turn("web", "u9", None, "", [], NOW)  # "hapus data"
    assert (await file(services, flows, "u9", 10)).failed


async def test_a_flood_of_urgent_reports_gets_its_own_digest(services, shipped_content):
    flows = shipped_content.flows
    for n in range(9):
        await file(services, flows, f"fake{n}", n, urgent=True)
    rows = store_rows(services.store, "SELECT body FROM outbox WHERE user_ref = '-100'")
    assert sum("MENDESAK* —" in row for row in rows) == 5
    assert sum('"urgent":4' in row for row in rows) == 1
