"""When the database fails under a console page: a plain "try again" page in the console's
style with status 503 (not aiohttp's 500 page), a log line that names the page and the
error but never what the officer typed, and the page back as soon as the database is."""

from __future__ import annotations

import logging

from tests.console.conftest import hidden
from tests.test_faults import _pragma

QUESTION = "Apakah perekrut itu meminta uang di depan?"


async def test_a_database_failure_answers_try_again_with_503(desk, client, caplog):
    (ref,) = await desk.seed()
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    _, page, _ = await browser.get(f"/officer/case/{ref}")
    form = {
        "csrf": hidden(page, "csrf"),
        "form_id": hidden(page, "form_id"),
        "action": "ask",
        "text": QUESTION,
    }
    store = desk.runtime.store
    await _pragma(store, "PRAGMA query_only = ON")
    with caplog.at_level(logging.INFO):
        for path in ("/officer", "/officer/calon", "/officer/stats"):
            status, body, headers = await browser.get(path)
            assert status == 503, path
            assert "Coba lagi sebentar" in body and "/officer/static/console.css" in body
            assert headers["Cache-Control"] == "no-store"
        status, body, _ = await browser.post(f"/officer/case/{ref}", form)
        assert status == 503 and "Tidak ada yang berubah" in body
    assert "database error on console page /officer/case/{ref}" in caplog.text
    assert QUESTION not in caplog.text and "Ibu Sari" not in caplog.text
    await _pragma(store, "PRAGMA query_only = OFF")
    status, _, _ = await browser.get("/officer")
    assert status == 200
    assert (await store.report(ref)).messages == []  # nothing of the failed action stayed
