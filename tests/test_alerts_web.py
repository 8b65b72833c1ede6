"""Alerts on the web chat (its JSON API through the real aiohttp app): the web chat cannot
receive a message later, so a subscription is refused there in one sentence that says where
to subscribe, and nothing is kept; its screens offer the way to the main menu once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.runtimes import web_chat_client


@pytest.fixture
async def client(tmp_path: Path, shipped_content, actions):
    async with web_chat_client(tmp_path, shipped_content, actions) as client:
        yield client


async def post(client, **body) -> dict:
    response = await client.post("/api/chat", json=body)
    assert response.status == 200, await response.text()
    return (await response.json())["replies"][-1]


async def press(client, reply: dict, label: str) -> dict:
    option = next(o for o in reply["options"] if label in o["label"])
    return await post(client, choice=option["id"])


async def test_the_web_chat_refuses_a_subscription_and_keeps_nothing(client):
    await post(client, open=True)
    menu = await post(client, text="langganan")
    assert "Info langganan" in menu["text"]
    countries = await press(client, menu, "Lowongan per negara")
    answer = await press(client, countries, "Taiwan")
    assert "hanya bisa dikirim lewat Telegram atau WhatsApp" in answer["text"]
    assert "Berlangganan" not in answer["text"]
    labels = [option["label"] for option in answer["options"]]
    assert sum("Menu utama" in label for label in labels) == 1, labels
    with sqlite3.connect(client.channel.runtime.store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0] == 0
    mine = await press(client, await post(client, text="langganan"), "Langganan saya")
    assert "belum berlangganan" in mine["text"]
