"""The web chat's JSON API and the health check, through the real aiohttp app."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.server import RUNTIME_KEY
from tests.fakes.files import png
from tests.runtimes import web_chat_client

PNG = png(64)


@pytest.fixture
async def client(tmp_path: Path, fixture_content, actions):
    async with web_chat_client(tmp_path, fixture_content, actions) as client:
        client.tmp_path = tmp_path  # type: ignore[attr-defined]
        yield client


async def post(client, **body) -> dict:
    response = await client.post("/api/chat", json=body)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_page_is_self_contained_html(client):
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert response.content_type == "text/html"
    assert "Migran Aman" in html
    assert "http://" not in html and "https://" not in html, "no external assets"


async def test_healthz_reports_content_version_and_database(client, fixture_content):
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        "database": "ok",
        "content_version": fixture_content.flows.version,
    }


async def test_healthz_is_503_when_the_database_is_unusable(client):
    await client.app[RUNTIME_KEY].store.close()
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["database"] == "error"


async def test_conversation_by_buttons_and_typing(client):
    body = await post(client, open=True)
    (reply,) = body["replies"]
    assert "Selamat datang" in reply["text"]
    info = next(o for o in reply["options"] if o["label"] == "Info")
    body = await post(client, choice=info["id"])
    assert "Info singkat." in body["replies"][0]["text"]
    body = await post(client, text="kembali")
    assert "Menu utama tes" in body["replies"][0]["text"]
    body = await post(client, text="2")
    assert body["replies"][0]["text"] == "Layar satu."


async def test_each_browser_gets_its_own_session_cookie(client):
    response = await client.post("/api/chat", json={"open": True})
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("ma_chat=") and "HttpOnly" in set_cookie
    assert "SameSite=Strict" in set_cookie and "Secure" not in set_cookie  # plain HTTP here
    await post(client, text="2")
    async with aiohttp.ClientSession() as other:
        response = await other.post(client.make_url("/api/chat"), json={"open": True})
        assert "Selamat datang" in (await response.json())["replies"][0]["text"]


@pytest.mark.parametrize(
    "text", ["", "a" * 10_000, "🙂🙂🙂", "\x00\x01\x1b[31m", "999", "<script>alert(1)</script>"]
)
async def test_bad_input_gets_a_sensible_reply(client, text):
    await post(client, open=True)
    body = await post(client, text=text)
    (reply,) = body["replies"]
    assert "belum mengerti" in reply["text"] or "belum menemukan jawaban" in reply["text"]
    assert [o["label"] for o in reply["options"]][:2] == ["Info", "Halaman panjang"]


async def test_malformed_requests_are_refused_clearly(client):
    response = await client.post(
        "/api/chat", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400 and "JSON" in (await response.json())["error"]
    response = await client.post("/api/chat", json={"nothing": 1})
    assert response.status == 400
    response = await client.post("/api/chat", json={"text": "x" * 70_000})
    assert response.status == 413


async def test_photo_upload_answers_a_photo_question(client):
    await post(client, open=True)
    for answer in ["3", "Siti", "30", "08123456789", "ya", "pabrik"]:
        body = await post(client, text=answer)
    assert body["replies"][0]["expects"] == "photo"
    form = aiohttp.FormData()
    form.add_field("photo", PNG, filename="iklan.png", content_type="image/png")
    response = await client.post("/api/chat", data=form)
    assert response.status == 200
    assert (await response.json())["replies"][0]["text"] == "Bagikan lokasi."
    body = await post(client, location={"latitude": -6.02, "longitude": 106.2})
    assert "Terima kasih" in body["replies"][0]["text"]
    response = await client.post("/api/chat", json={"location": {"latitude": "x"}})
    assert response.status == 400
    saved = list((client.tmp_path / "media").iterdir())
    assert len(saved) == 1 and saved[0].read_bytes() == PNG


async def test_upload_that_is_not_an_image_or_too_big_is_refused(client):
    await post(client, open=True)
    for answer in ["3", "Siti", "30", "08123456789", "ya", "pabrik"]:
        await post(client, text=answer)  # the dialog asks for a photo: only then is one read
    form = aiohttp.FormData()
    form.add_field("photo", b"MZ\x90\x00 not an image", filename="x.png", content_type="image/png")
    response = await client.post("/api/chat", data=form)
    assert response.status == 400 and "JPEG" in (await response.json())["error"]
    form = aiohttp.FormData()
    form.add_field("photo", PNG + b"\x00" * 100_000, filename="big.png", content_type="image/png")
    response = await client.post("/api/chat", data=form)
    assert response.status == 413
    assert not (client.tmp_path / "media").exists() or not any(
        (client.tmp_path / "media").iterdir()
    )


async def test_page_script_and_style_are_served_as_files(client):
    html = await (await client.get("/")).text()
    assert '<script src="/static/webchat.js">' in html
    assert 'href="/static/webchat.css"' in html
    assert "<style" not in html and "<script>" not in html, "no inline code"
    script = await client.get("/static/webchat.js")
    assert script.status == 200 and script.content_type == "application/javascript"
    assert 'fetch("/api/chat"' in await script.text()
    style = await client.get("/static/webchat.css")
    assert style.status == 200 and style.content_type == "text/css"
    assert (await client.get("/static/webchat.py")).status == 404


async def test_a_photo_nobody_asked_for_is_not_read_or_kept(client):
    await post(client, open=True)
    form = aiohttp.FormData()
    form.add_field("photo", PNG, filename="iklan.png", content_type="image/png")
    response = await client.post("/api/chat", data=form)
    assert response.status == 200
    assert "tidak saya simpan" in (await response.json())["replies"][0]["text"]
    assert not (client.tmp_path / "media").exists() or not any(
        (client.tmp_path / "media").iterdir()
    )
