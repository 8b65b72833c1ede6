"""Alerts on the web chat (its JSON API through the real aiohttp app): the web chat cannot
receive a message later, so a subscription is refused there in one sentence that says where
to subscribe, and nothing is kept; its screens offer the way to the main menu once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.webchat import WebChatChannel
from bot.server import build_app


@pytest.fixture
async def client(make_runtime, tmp_path: Path, shipped_content, actions):
    runtime = await make_runtime(shipped_content, actions)
    channel = WebChatChannel(runtime, tmp_path / "media", 100_000)
    client = TestClient(TestServer(build_app(runtime, [channel], 100_000)))
    await client.start_server()
    client.runtime = runtime
    yield client
    await client.close()


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
    with sqlite3.connect(client.runtime.store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0] == 0
    mine = await press(client, await post(client, text="langganan"), "Langganan saya")
    assert "belum berlangganan" in mine["text"]
