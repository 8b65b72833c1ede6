"""`officers.show_name_to_reporters: true`: the office chose to let reporters see which
officer writes to them. A question from the console or from the Telegram group then
reaches the reporter signed with the officer's name (by default it is not: see the browser
walk in test_console_browser.py and tests/test_reports.py)."""

from __future__ import annotations

import pytest

from tests.console.conftest import CITIZEN, hidden
from tests.test_reports import officer_press, officer_types

QUESTION = "Di mana Anda bertemu perekrut itu?"


@pytest.fixture
async def officer_runtime(make_runtime, shipped_content, actions):
    """A runtime whose relays are signed; officer 42 works in chat -100."""
    return await make_runtime(shipped_content, actions, officers=True, show_officer_name=True)


async def test_a_question_from_the_console_is_signed_with_the_officers_name(desk, client):
    (ref,) = await desk.seed()
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    _, page, _ = await browser.get(f"/officer/case/{ref}")
    assert "dengan nama Anda (siti)" in page
    form = {
        "csrf": hidden(page, "csrf"),
        "form_id": hidden(page, "form_id"),
        "action": "ask",
        "text": QUESTION,
    }
    status, _, headers = await browser.post(f"/officer/case/{ref}", form)
    assert status == 303 and headers["Location"].endswith("?done=ask")
    await desk.api.wait_for(lambda: desk.api.sent(CITIZEN))
    received = desk.api.sent(CITIZEN)[-1]["text"]
    assert QUESTION in received and "— siti, petugas Migran Aman" in received
    report = await desk.runtime.store.report(ref)
    assert [message.text for message in report.messages] == [QUESTION]  # the words as typed


async def test_a_question_from_the_telegram_group_is_signed_too(desk):
    (ref,) = await desk.seed()
    await officer_press(desk.api, f"o:ask:{ref}")
    await officer_types(desk.api, QUESTION)
    await desk.api.wait_for(lambda: desk.api.sent(CITIZEN))
    received = desk.api.sent(CITIZEN)[-1]["text"]
    assert QUESTION in received and "— User42, petugas Migran Aman" in received
