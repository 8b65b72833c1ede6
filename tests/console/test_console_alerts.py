"""Officers' alerts from the web console: an officer writes a warning in the browser
(headless Chromium), sees it as subscribers will read it with the number of recipients,
sends it, and the citizen subscribed on Telegram (the real client against the fake Bot
API) receives it once; over HTTP: who may address which kecamatan, CSRF on both forms, a
form sent twice done once, a cancel sends nothing."""

from __future__ import annotations

import sqlite3

from tests.console.conftest import hidden
from tests.console.test_console_browser import browser, open_page, sign_in  # noqa: F401
from tests.test_reports import say

CIKANDE, ANYAR = 501, 502
WARNING = "Hati-hati: PT Contoh Palsu minta uang pendaftaran lewat WhatsApp."


async def subscribe(desk, user: int, kecamatan: str) -> None:
    """`user` subscribes on Telegram to the warnings of `kecamatan`, through the dialog."""
    await say(desk.api, user, "halo", "Info langganan", "Peringatan kecamatan")
    answer = await say(desk.api, user, kecamatan)
    assert f"Berlangganan: {kecamatan}" in answer["text"]


async def test_an_officer_sends_a_warning_from_the_browser(desk, browser):  # noqa: F811
    await subscribe(desk, CIKANDE, "Cikande")
    await subscribe(desk, ANYAR, "Anyar")
    before = {user: len(desk.api.sent(user)) for user in (CIKANDE, ANYAR)}
    await desk.add_account("camat", "kecamatan:Cikande")
    page, problems = await open_page(browser)
    await sign_in(page, desk.url, "camat")
    await page.click("header nav a[href='/officer/alert']")
    await page.wait_for_url(f"{desk.url}/officer/alert")
    options = await page.locator("select[name=target] option").all_inner_texts()
    assert options == ["Cikande"]  # a kecamatan officer warns their own kecamatan only
    await page.fill("textarea[name=text]", WARNING)
    await page.click("form.alert button")
    await page.locator(".bubble").wait_for()
    assert "Untuk Cikande: 1 orang akan menerimanya." in await page.locator("main").inner_text()
    bubble = await page.locator(".bubble").inner_text()
    assert WARNING in bubble and "Peringatan dari petugas Kabupaten Serang" in bubble
    assert "*" not in bubble  # the bold marks are shown as bold, as Telegram shows them
    assert len(desk.api.sent(CIKANDE)) == before[CIKANDE], "nothing sent before confirming"

    await page.click("form.confirm button[value=send]")
    await page.wait_for_url("**/officer/alert?done=sent&n=1")
    assert "diantrekan untuk 1 orang" in await page.locator("main").inner_text()
    await desk.api.wait_for(lambda: len(desk.api.sent(CIKANDE)) > before[CIKANDE])
    assert WARNING in desk.api.sent(CIKANDE)[-1]["text"]

    assert len(desk.api.sent(CIKANDE)) == before[CIKANDE] + 1
    assert len(desk.api.sent(ANYAR)) == before[ANYAR]
    assert problems == []
    database = sqlite3.connect(desk.runtime.store.path)
    audit = database.execute("SELECT officer_id, action, detail FROM audit_log").fetchall()
    assert (-1, "alert", "Cikande: 1 recipients") in audit
    assert (-1, "web_alert_preview", "Cikande: 1 recipients") in audit


async def test_who_may_warn_whom(desk, client):
    await desk.add_account("camat", "kecamatan:Cikande")
    await desk.add_account("kades", "desa:Cikande/Parigi")
    await desk.add_account("siti", "kabupaten")
    camat = client()
    await camat.sign_in("camat")
    _, page, _ = await camat.get("/officer/alert")
    form = {"csrf": hidden(page, "csrf"), "form_id": "a1", "action": "preview"}
    status, _, _ = await camat.post("/officer/alert", {**form, "target": "Anyar", "text": "x"})
    assert status == 403
    status, _, _ = await camat.post("/officer/alert", {**form, "target": "semua", "text": "x"})
    assert status == 403
    kades = client()
    await kades.sign_in("kades")
    _, page, _ = await kades.get("/officer/alert")
    assert "peran desa tidak bisa" in page and 'name="text"' not in page
    siti = client()
    await siti.sign_in("siti")
    _, page, _ = await siti.get("/officer/alert")
    assert '<option value="semua"' in page and '<option value="Anyar"' in page
    database = sqlite3.connect(desk.runtime.store.path)
    assert database.execute("SELECT COUNT(*) FROM alert_drafts").fetchone() == (0,)
    refused = database.execute(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'refused' AND detail LIKE 'web: alert%'"
    ).fetchone()
    assert refused == (2,)


async def test_both_forms_need_the_csrf_token_and_a_form_sent_twice_is_done_once(desk, client):
    await desk.add_account("siti", "kabupaten")
    await subscribe(desk, CIKANDE, "Cikande")
    before = len(desk.api.sent(CIKANDE))
    officer = client()
    await officer.sign_in("siti")
    _, page, _ = await officer.get("/officer/alert")
    form = {"form_id": hidden(page, "form_id"), "action": "preview", "target": "semua"}
    status, _, _ = await officer.post("/officer/alert", {**form, "text": WARNING})
    assert status == 403
    filled = {**form, "text": WARNING, "csrf": hidden(page, "csrf")}
    _, first, _ = await officer.post("/officer/alert", filled)
    _, second, _ = await officer.post("/officer/alert", filled)  # the same form again
    assert "Semua pelanggan: 1 orang" in first
    assert hidden(first, "key") == hidden(second, "key")
    database = sqlite3.connect(desk.runtime.store.path)
    assert database.execute("SELECT COUNT(*) FROM alert_drafts").fetchone() == (1,)

    confirm = {"key": hidden(first, "key"), "form_id": hidden(first, "form_id")}
    status, _, _ = await officer.post("/officer/alert", {**confirm, "action": "send"})
    assert status == 403  # no CSRF token: nothing sent
    confirm["csrf"] = hidden(first, "csrf")
    answers = []
    for _ in range(2):  # the same form twice (a double click): sent once
        status, _, headers = await officer.post("/officer/alert", {**confirm, "action": "send"})
        answers.append((status, headers["Location"]))
    assert answers == [(303, "/officer/alert?done=sent&n=1"), (303, "/officer/alert?done=gone")]
    await desk.api.wait_for(lambda: len(desk.api.sent(CIKANDE)) > before)
    other = {**confirm, "form_id": hidden(second, "form_id"), "action": "send"}
    _, _, headers = await officer.post("/officer/alert", other)
    assert headers["Location"] == "/officer/alert?done=gone"
    assert database.execute("SELECT COUNT(*) FROM alert_drafts").fetchone() == (0,)
    sent = database.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'alert'").fetchone()
    assert sent == (1,)


async def test_a_cancelled_or_empty_warning_sends_nothing(desk, client):
    await desk.add_account("siti", "kabupaten")
    await subscribe(desk, CIKANDE, "Cikande")
    before = len(desk.api.sent(CIKANDE))
    officer = client()
    await officer.sign_in("siti")
    _, page, _ = await officer.get("/officer/alert")
    form = {"csrf": hidden(page, "csrf"), "action": "preview", "target": "Cikande"}
    status, empty, _ = await officer.post("/officer/alert", {**form, "form_id": "e", "text": " "})
    assert status == 400 and "Tulis isi peringatannya dulu" in empty
    status, long, _ = await officer.post(
        "/officer/alert", {**form, "form_id": "l", "text": "x" * 501}
    )
    assert status == 400 and "terlalu panjang" in long
    _, preview, _ = await officer.post("/officer/alert", {**form, "form_id": "p", "text": "Awas"})
    cancel = {"csrf": form["csrf"], "key": hidden(preview, "key"), "form_id": "c"}
    _, _, headers = await officer.post("/officer/alert", {**cancel, "action": "cancel"})
    assert headers["Location"] == "/officer/alert?done=cancelled"
    _, done, _ = await officer.get("/officer/alert?done=cancelled")
    assert "dibatalkan" in done
    _, _, headers = await officer.post(
        "/officer/alert", {**cancel, "form_id": "s", "action": "send"}
    )
    assert headers["Location"] == "/officer/alert?done=gone"
    assert len(desk.api.sent(CIKANDE)) == before
