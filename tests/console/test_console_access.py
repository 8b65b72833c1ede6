"""Who gets into the console and what they see: sign-in, lock-out, sessions, CSRF, areas,
photos. Driven over HTTP against the real application (the browser walk is in
test_console_browser.py)."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

from bot.config import ConsoleConfig
from bot.console.signin import Gate
from tests.console.conftest import PASSWORD, hidden


async def test_the_session_cookie_is_secure_httponly_strict_and_kept_hashed(desk, client):
    await desk.add_account("siti", "kabupaten")
    browser = client()
    status, _, headers = await browser.sign_in("Siti")  # usernames are not case-sensitive
    assert status == 303 and headers["Location"] == "/officer"
    (line,) = [line for line in browser.set_cookies if line.startswith("ma_session=")]
    flags = {part.strip().lower() for part in line.split(";")}
    assert {"httponly", "secure", "samesite=strict", "path=/officer"} <= flags
    token = browser.cookies["ma_session"]
    database = sqlite3.connect(desk.runtime.store.path)
    hashes = [row[0] for row in database.execute("SELECT token_hash FROM officer_sessions")]
    assert len(hashes) == 1 and token not in hashes[0] and token not in str(hashes)
    status, _page, headers = await browser.get("/officer")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]


async def test_five_wrong_passwords_lock_the_account_without_telling_who_exists(desk, client):
    await desk.add_account("siti", "kabupaten")
    browser = client()
    for _ in range(4):
        status, page, _ = await browser.sign_in("siti", "salah-sekali-lagi")
        assert status == 200 and "salah" in page and "ma_session" not in browser.cookies
    _, locked, _ = await browser.sign_in("siti", "salah-sekali-lagi")
    assert "dikunci 15 menit" in locked
    _, page, _ = await browser.sign_in("siti", PASSWORD)  # the right password, too late
    assert "dikunci" in page and "ma_session" not in browser.cookies
    for _ in range(5):  # a username nobody has is answered the same way
        _, unknown, _ = await browser.sign_in("tidak-ada", "salah-sekali-lagi")
    assert "dikunci 15 menit" in unknown
    database = sqlite3.connect(desk.runtime.store.path)
    actions = [row[0] for row in database.execute("SELECT action FROM audit_log")]
    assert actions.count("web_sign_in_wrong") == 8 and "web_sign_in_locked" in actions


async def test_a_stranger_who_knows_a_username_cannot_keep_its_officer_out(desk):
    await desk.add_account("siti", "kabupaten")
    gate = Gate(desk.runtime, ConsoleConfig())
    stranger, office = "203.0.113.9", "198.51.100.20"
    answers = [(await gate.sign_in("siti", "tebak-tebak", "", stranger)).outcome for _ in range(5)]
    assert answers[-1] == "locked"  # five wrong in a row lock the account at that address
    assert (await gate.sign_in("siti", PASSWORD, "", stranger)).outcome == "locked"
    assert (await gate.sign_in("siti", PASSWORD, "", office)).outcome == "ok"  # not at the office
    for number in range(4 * 5):  # many failures from many addresses lock it everywhere
        await gate.sign_in("siti", "tebak-tebak", "", f"192.0.2.{number}")
    assert (await gate.sign_in("siti", PASSWORD, "", office)).outcome == "locked"


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(desk, client):
    (ref,) = await desk.seed()
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    _, page, _ = await browser.get(f"/officer/case/{ref}")
    form_id = hidden(page, "form_id")
    status, _, _ = await browser.post(
        f"/officer/case/{ref}", {"action": "claim", "form_id": form_id}
    )
    assert status == 403
    status, _, _ = await browser.post(
        f"/officer/case/{ref}", {"action": "claim", "form_id": form_id, "csrf": "forged"}
    )
    assert status == 403
    assert (await desk.runtime.store.report(ref)).status == "received"
    status, _, _ = await browser.post("/officer/logout-all", {})
    assert status == 403
    # a sign-in form without its token is refused too (no login CSRF)
    status, page, _ = await client().post(
        "/officer/login", {"username": "siti", "password": PASSWORD}
    )
    assert status == 403 and "kedaluwarsa" in page


async def test_a_kecamatan_officer_sees_only_their_kecamatan_not_even_by_url(desk, client):
    (pontang,) = await desk.seed(photos=1)
    (anyar,) = await desk.seed(kecamatan="Anyar")
    (question,) = await desk.seed(kind="question", kecamatan="", place="", country="")
    await desk.add_account("camat", "kecamatan:Anyar")
    browser = client()
    await browser.sign_in("camat")
    _, queue, _ = await browser.get("/officer")
    assert anyar in queue and pontang not in queue and question not in queue
    assert "Kecamatan Anyar" in queue
    for path in (f"/officer/case/{pontang}", f"/officer/case/{pontang}/photo/0"):
        status, page, _ = await browser.get(path)
        assert status == 404 and "Ibu Sari" not in page and "Malaysia" not in page
    _, page, _ = await browser.get(f"/officer/case/{anyar}")
    csrf = hidden(page, "csrf")
    status, _, _ = await browser.post(
        f"/officer/case/{pontang}", {"action": "claim", "form_id": "x", "csrf": csrf}
    )
    assert status == 404 and (await desk.runtime.store.report(pontang)).status == "received"
    # a kecamatan officer does not see the reporter's personal fields either
    assert "Ibu Sari" not in page and "081234567890" not in page
    _, export, _ = await browser.get("/officer/export.csv")
    assert anyar in export and pontang not in export and "081234567890" not in export


async def test_photos_only_for_a_signed_in_officer_of_the_area_and_never_cached(desk, client):
    (ref,) = await desk.seed(photos=2)
    await desk.add_account("siti", "kabupaten")
    stranger = client()
    status, _, headers = await stranger.get(f"/officer/case/{ref}/photo/0")
    assert status == 303 and headers["Location"].startswith("/officer/login?next=")
    browser = client()
    await browser.sign_in("siti")
    _, page, _ = await browser.get(f"/officer/case/{ref}")
    assert f"/officer/case/{ref}/photo/1" in page and str(desk.media) not in page
    status, _, headers = await browser.get(f"/officer/case/{ref}/photo/1")
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert headers["Cache-Control"] == "no-store"
    status, _, _ = await browser.get(f"/officer/case/{ref}/photo/2")
    assert status == 404


async def test_sign_out_everywhere_ends_the_sessions_on_every_device(desk, client):
    await desk.add_account("siti", "kabupaten")
    office, phone = client(), client()
    await office.sign_in("siti")
    await phone.sign_in("siti")
    _, page, _ = await phone.get("/officer")
    status, _, headers = await phone.post("/officer/logout-all", {"csrf": hidden(page, "csrf")})
    assert status == 303 and headers["Location"] == "/officer/login"
    status, _, headers = await office.get("/officer")
    assert status == 303 and headers["Location"] == "/officer/login?next=/officer"
    status, _, _ = await office.get("/officer/queue/stamp")
    assert status == 401


async def test_a_disabled_account_is_signed_out_and_cannot_sign_in(desk, client):
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    assert await desk.runtime.store.update_account("siti", disabled=1)
    status, _, _ = await browser.get("/officer")
    assert status == 303
    _, page, _ = await browser.sign_in("siti")
    assert "salah" in page and "ma_session" not in browser.cookies


async def test_a_session_ends_when_idle_too_long_or_open_too_long(desk, client):
    from datetime import UTC, datetime, timedelta

    from bot.console.signin import token_hash

    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    hashed = token_hash(browser.cookies["ma_session"])
    other = client()
    await other.sign_in("siti")
    idle_hash = token_hash(other.cookies["ma_session"])
    store, now = desk.runtime.store, datetime.now(UTC)
    idle, longest = timedelta(minutes=30), timedelta(hours=12)
    assert await store.console_session(hashed, now, now - idle, now - longest) is not None
    too_old = now + longest + timedelta(minutes=1)  # used all along, but open 12 hours
    assert await store.console_session(hashed, too_old, now, too_old - longest) is None
    later = datetime.now(UTC) + timedelta(minutes=31)  # unused for more than 30 minutes
    assert await store.console_session(idle_hash, later, later - idle, now - longest) is None
    status, _, _ = await browser.get("/officer")  # the ended session is gone for good
    assert status == 303 and "ma_session" not in browser.cookies


async def test_a_tab_that_only_refreshes_itself_still_signs_out_when_idle(desk, client):
    import sqlite3
    from datetime import UTC, datetime, timedelta

    from bot.console.signin import token_hash

    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    hashed = token_hash(browser.cookies["ma_session"])

    def seen_minutes_ago(minutes: int | None = None) -> str:
        with sqlite3.connect(desk.runtime.store.path) as database:
            if minutes is not None:
                seen = datetime.now(UTC) - timedelta(minutes=minutes)
                database.execute(
                    "UPDATE officer_sessions SET seen_at = ? WHERE token_hash = ?",
                    [seen.isoformat(), hashed],
                )
            (seen,) = database.execute(
                "SELECT seen_at FROM officer_sessions WHERE token_hash = ?", [hashed]
            ).fetchone()
            return str(seen)

    last_use = seen_minutes_ago(29)  # the officer left the queue open 29 minutes ago
    for _ in range(3):  # what console.js does meanwhile: the stamp, then the page again
        status, _, _ = await browser.get("/officer/queue/stamp")
        assert status == 200
        status, _, _ = await browser.request("GET", "/officer", headers={"X-Refresh": "1"})
        assert status == 200
    assert seen_minutes_ago() == last_use
    seen_minutes_ago(31)  # two more minutes of polling alone: past the idle time
    status, _, _ = await browser.get("/officer/queue/stamp")
    assert status == 401
    status, _, _ = await browser.get("/officer")
    assert status == 303

    await browser.sign_in("siti")  # a page the officer opens does count as use
    hashed = token_hash(browser.cookies["ma_session"])
    seen_minutes_ago(29)
    await browser.get("/officer")
    seen_minutes_ago()
    status, _, _ = await browser.get("/officer/queue/stamp")
    assert status == 200


async def test_a_form_from_another_site_is_refused(desk, client):
    (ref,) = await desk.seed()
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    _, page, _ = await browser.get(f"/officer/case/{ref}")
    form = {"csrf": hidden(page, "csrf"), "form_id": "f", "action": "claim"}
    status, _, _ = await browser.request(
        "POST", f"/officer/case/{ref}", data=form, headers={"Origin": "https://evil.example"}
    )
    assert status == 403 and (await desk.runtime.store.report(ref)).status == "received"


async def test_hand_edited_dates_far_away_are_dropped_not_a_server_error(desk, client, caplog):
    (ref,) = await desk.seed()
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    for query in ("until=9999-12-31", "since=0001-01-01", "since=0001-01-01&until=9999-12-31"):
        for path in ("/officer", "/officer/export.csv"):
            status, body, _ = await browser.get(f"{path}?{query}")
            assert status == 200 and ref in body, (path, query)
    status, body, _ = await browser.get("/officer?since=2000-01-01&until=2100-12-31")
    assert status == 200 and 'value="2100-12-31"' in body
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


async def test_an_export_is_never_cut_short_and_has_a_limit_per_minute(desk, client, monkeypatch):
    import sqlite3

    from bot.console import queries

    monkeypatch.setattr(queries, "EXPORT_LIMIT", 3)
    refs = await desk.seed(4)
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    status, page, _ = await browser.get("/officer/export.csv")
    assert status == 422 and "4 laporan yang cocok" in page and "Persempit" in page
    status, body, headers = await browser.get(f"/officer/export.csv?text={refs[0]}")
    assert status == 200 and refs[0] in body and "attachment" in headers["Content-Disposition"]
    statuses = [(await browser.get("/officer/export.xlsx?status=open"))[0] for _ in range(5)]
    assert statuses[-1] == 429 and 200 not in statuses[3:], statuses
    with sqlite3.connect(desk.runtime.store.path) as database:
        details = database.execute(
            "SELECT detail FROM audit_log WHERE action = 'web_export_refused'"
        ).fetchall()
    assert ("csv: 4 reports match",) in details and ("too many exports",) in details


async def test_refused_sign_ins_are_audited_without_names_and_a_flood_once(desk, client):
    from bot.console.signin import ANONYMOUS_ATTEMPT

    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti", "salah-sekali-lagi")
    statuses = [(await browser.sign_in("orang-asing", "salah-sekali-lagi"))[0] for _ in range(25)]
    assert statuses.count(429) == 6
    database = sqlite3.connect(desk.runtime.store.path)
    rows = database.execute("SELECT officer_id, action, detail FROM audit_log").fetchall()
    assert [action for _, action, _ in rows].count("web_sign_in_busy") == 1
    assert all(officer != 0 for officer, _, _ in rows), "0 is the command line"
    assert {officer for officer, _, _ in rows if officer != -1} == {ANONYMOUS_ATTEMPT}
    details = {detail for _, _, detail in rows}
    assert len(details) == 2 and all(d.startswith("client ") for d in details), details
    text = repr(rows)
    assert "127.0.0.1" not in text and "orang-asing" not in text and "siti" not in text


async def test_a_known_and_an_unknown_username_do_the_same_work(desk, client, monkeypatch):
    from bot.console import passwords

    await desk.add_account("siti", "kabupaten")
    store, work = desk.runtime.store, []
    counted, verify = store.failed_sign_in, passwords._verify

    async def failed_sign_in(*arguments):
        work.append("write")
        return await counted(*arguments)

    def checked(*arguments):
        work.append("check")
        return verify(*arguments)

    monkeypatch.setattr(store, "failed_sign_in", failed_sign_in)
    monkeypatch.setattr(passwords, "_verify", checked)
    browser = client()
    done = []
    for username in ("siti", "tidak-ada"):
        work.clear()
        _, page, _ = await browser.sign_in(username, "salah-sekali-lagi")
        done.append((sorted(work), page.count("salah")))
    assert done[0] == done[1] and done[0][0] == ["check", "write"]


async def test_after_signing_in_the_officer_returns_to_the_page_asked(desk, client):
    (ref,) = await desk.seed()
    await desk.add_account("siti", "kabupaten")
    browser = client()
    status, _, headers = await browser.get(f"/officer/case/{ref}?lang=en")
    assert status == 303
    status, page, _ = await browser.get(headers["Location"])
    assert status == 200 and hidden(page, "next") == f"/officer/case/{ref}?lang=en"
    form = {"csrf": hidden(page, "csrf"), "username": "siti", "password": PASSWORD}
    status, _, headers = await browser.post(
        "/officer/login", {**form, "next": hidden(page, "next")}
    )
    assert status == 303 and headers["Location"] == f"/officer/case/{ref}?lang=en"
    for elsewhere in ("//evil.example/officer/", "https://evil.example/", "/officer/..//x", "/x"):
        other = client()
        _, page, _ = await other.get("/officer/login?next=" + quote(elsewhere))
        assert 'name="next"' not in page, elsewhere
        form = {"csrf": hidden(page, "csrf"), "username": "siti", "password": PASSWORD}
        status, _, headers = await other.post("/officer/login", {**form, "next": elsewhere})
        assert status == 303 and headers["Location"] == "/officer", elsewhere
