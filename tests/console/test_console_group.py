"""Two doors, one desk: what an officer does on the web console is announced in the
Telegram officers' group (the fake Bot API's chat -100) with the lines the group's own
buttons give."""

from __future__ import annotations

from tests.console.conftest import hidden

GROUP = -100


async def act(browser, ref: str, **fields: str) -> str:
    """Send a case's action form; where the answer leads."""
    _, page, _ = await browser.get(f"/officer/case/{ref}")
    form = {"csrf": hidden(page, "csrf"), "form_id": hidden(page, "form_id"), **fields}
    status, _, headers = await browser.post(f"/officer/case/{ref}", form)
    assert status == 303 and not headers["Location"].endswith("done=not")
    return headers["Location"]


async def test_a_claim_and_a_close_on_the_web_reach_the_officers_group(desk, client):
    (ref,) = await desk.seed()
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")

    def group_texts() -> list[str]:
        return [message.get("text", "") for message in desk.api.sent(GROUP)]

    await act(browser, ref, action="claim")
    await desk.api.wait_for(lambda: f"✋ siti mengambil {ref}." in group_texts())
    await desk.api.wait_for(
        lambda: any(ref in text and "siti" in text and "✋" not in text for text in group_texts())
    )  # the card as it is now, as after the group's own button
    await act(browser, ref, action="note", text="Sudah ditelepon")
    await desk.api.wait_for(lambda: f"📝 Catatan disimpan di {ref}." in group_texts())
    await act(browser, ref, action="close", outcome="police")
    await desk.api.wait_for(
        lambda: f"✅ {ref} ditutup oleh siti: Dirujuk ke polisi." in group_texts()
    )
    await desk.settle()  # the card's refresh may follow the closing line
    before = len(group_texts())
    _, page, _ = await browser.get(f"/officer/case/{ref}")  # closed again: nothing changes
    form = {"csrf": hidden(page, "csrf"), "form_id": "again", "action": "close"}
    await browser.post(f"/officer/case/{ref}", {**form, "outcome": "police"})
    await desk.settle()
    assert len(group_texts()) == before


async def test_the_question_sent_notice_is_the_same_whatever_the_reporters_channel(desk, client):
    (telegram,) = await desk.seed()
    (webchat,) = await desk.seed(channel="webchat", user="web-visitor-1")
    (anonymous,) = await desk.seed(anonymous=True, name="", phone="")
    await desk.add_account("camat", "kecamatan:Pontang")
    browser = client()
    await browser.sign_in("camat")
    notices = set()
    for ref in (telegram, webchat, anonymous):
        done = await act(browser, ref, action="ask", text="Kapan Anda bertemu perekrut itu?")
        _, page, _ = await browser.get(done)
        start = page.index('role="status"')
        notices.add(page[start : page.index("</", start)])
        assert "web chat" not in page.lower() and "menghapus" not in page
    assert len(notices) == 1, notices
