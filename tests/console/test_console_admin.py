"""The admin's accounts page (`/officer/accounts`): an admin adds, disables, enables,
resets, requires an app code and links Telegram in the browser, as the command line does;
every other role gets the 404 of a case outside its area."""

from __future__ import annotations

import re
import sqlite3

import pyotp

from tests.console.conftest import PASSWORD, hidden

NEW_PASSWORD = "kata-sandi-baru-99"
NOT_FOUND = "Laporan tidak ditemukan, atau bukan wilayah Anda."


def form_fields(page: str, action: str, username: str = "") -> dict[str, str]:
    """The hidden fields of the page's form for `action` (on `username`'s row)."""
    for form in re.findall(r"<form[^>]*>.*?</form>", page, re.S):
        fields = dict(re.findall(r'type="hidden" name="([a-z_]+)" value="([^"]*)"', form))
        if fields.get("action") == action and fields.get("username", "") == username:
            return fields
    raise AssertionError(f"no {action} form for {username!r}")


def audit(desk) -> list[tuple[int, str, str]]:
    with sqlite3.connect(desk.runtime.store.path) as database:
        rows = database.execute("SELECT officer_id, action, detail FROM audit_log ORDER BY rowid")
        return [tuple(row) for row in rows]


async def admin_browser(desk, client):
    """An admin, signed in, on the accounts page; and the page."""
    await desk.add_account("admin", "admin")
    browser = client()
    await browser.sign_in("admin")
    status, page, _ = await browser.get("/officer/accounts")
    assert status == 200
    return browser, page


async def change(browser, action: str, row: str = "", **fields: str):
    """Send the accounts page's form for `action` on the account `row` (filled with
    `fields`)."""
    _, page, _ = await browser.get("/officer/accounts")
    return await browser.post("/officer/accounts", {**form_fields(page, action, row), **fields})


async def test_an_admin_adds_a_kecamatan_account_that_sees_only_its_own_area(desk, client):
    (pontang,) = await desk.seed(kecamatan="Pontang")
    (cikande,) = await desk.seed(kecamatan="Cikande")
    admin, page = await admin_browser(desk, client)
    assert 'href="/officer/accounts"' in page  # in the admin's navigation
    status, _, headers = await change(
        admin,
        "add",
        username="Camat.Pontang",
        kind="kecamatan",
        kecamatan="pontang",
        desa="",
        password=NEW_PASSWORD,
        again=NEW_PASSWORD,
    )
    assert status == 303
    _, listed, _ = await admin.get(headers["Location"])
    assert "Akun camat.pontang dibuat." in listed
    assert "camat.pontang" in listed and "Kecamatan Pontang" in listed

    camat = client()
    status, _, _ = await camat.sign_in("camat.pontang", NEW_PASSWORD)
    assert status == 303
    _, queue, _ = await camat.get("/officer")
    assert pontang in queue and cikande not in queue
    assert 'href="/officer/accounts"' not in queue  # no link for a camat
    status, page, _ = await camat.get("/officer/accounts")
    assert status == 404 and NOT_FOUND in page

    admin_id = -(await desk.runtime.store.officer_account("admin")).id
    assert (admin_id, "web_account_added", "camat.pontang as kecamatan:Pontang") in audit(desk)


async def test_a_new_account_is_checked_as_the_command_line_checks_it(desk, client):
    admin, _ = await admin_browser(desk, client)
    form = {"username": "kades", "kind": "desa", "kecamatan": "Pontang", "desa": "Singarajan"}
    form |= {"password": NEW_PASSWORD, "again": NEW_PASSWORD}
    wrong = {
        "Kedua kata sandi berbeda": {**form, "again": PASSWORD},
        "Kata sandi harus 10": {**form, "password": "pendek", "again": "pendek"},
        "Peran tidak lengkap": {**form, "desa": "Atlantis"},
        "Nama pengguna tidak bisa dipakai": {**form, "username": "<b>x</b>"},
        "Sudah ada akun admin": {**form, "username": "admin"},
    }
    for message, fields in wrong.items():
        status, page, _ = await change(admin, "add", **fields)
        assert status == 400 and message in page, message
        assert "<b>x</b>" not in page
    assert [account.username for account in await desk.runtime.store.officer_accounts()] == [
        "admin"
    ]
    status, _, _ = await change(admin, "add", **form)
    assert status == 303
    kades = await desk.runtime.store.officer_account("kades")
    assert kades is not None and kades.role == "desa:Pontang/Singarajan"


async def test_any_other_role_gets_the_404_of_a_case_outside_its_area(desk, client):
    await desk.add_account("siti", "kabupaten")
    await desk.add_account("budi", "kecamatan:Pontang")
    officer = client()
    await officer.sign_in("siti")
    status, page, headers = await officer.get("/officer/accounts")
    assert status == 404 and NOT_FOUND in page and headers["Cache-Control"] == "no-store"
    _, queue, _ = await officer.get("/officer")
    csrf = hidden(queue, "csrf")
    for action in ("add", "disable", "enable", "reset-password", "require-totp", "link-telegram"):
        form = {"csrf": csrf, "form_id": action, "action": action, "username": "budi"}
        form |= {"password": NEW_PASSWORD, "again": NEW_PASSWORD, "telegram_id": "77"}
        form |= {"kind": "admin"}
        status, page, _ = await officer.post("/officer/accounts", form)
        assert status == 404 and NOT_FOUND in page, action
    budi = await desk.runtime.store.officer_account("budi")
    assert budi is not None and not budi.disabled and not budi.totp_required
    assert budi.telegram_id is None
    refused = [line for line in audit(desk) if line[1] == "refused"]
    assert len(refused) == 7 and all("not an admin" in line[2] for line in refused)
    assert not [line for line in audit(desk) if line[1].startswith("web_account")]


async def test_a_form_needs_its_token_and_is_done_once(desk, client):
    await desk.add_account("budi", "kecamatan:Pontang")
    admin, page = await admin_browser(desk, client)
    fields = form_fields(page, "disable", "budi")
    status, _, _ = await admin.post("/officer/accounts", {**fields, "csrf": ""})
    assert status == 403
    assert not (await desk.runtime.store.officer_account("budi")).disabled
    first = await admin.post("/officer/accounts", fields)
    again = await admin.post("/officer/accounts", fields)  # a double click, a resubmit
    assert first[0] == again[0] == 303
    assert again[2]["Location"].endswith("done=twice")
    _, page, _ = await admin.get(again[2]["Location"])
    assert "dilakukan satu kali saja" in page
    assert (await desk.runtime.store.officer_account("budi")).disabled
    assert [line[1] for line in audit(desk)].count("web_account_disable") == 1
    status, _, _ = await change(admin, "enable", "budi")
    assert status == 303 and not (await desk.runtime.store.officer_account("budi")).disabled


async def test_an_admin_cannot_disable_themself(desk, client):
    admin, page = await admin_browser(desk, client)
    assert "(Anda)" in page
    try:
        form_fields(page, "disable", "admin")
    except AssertionError:
        pass  # no such button on one's own row
    else:
        raise AssertionError("an admin is offered to disable themself")
    forged = {**form_fields(page, "require-totp", "admin"), "action": "disable"}
    status, page, _ = await admin.post("/officer/accounts", forged)
    assert status == 400 and "akun Anda sendiri" in page
    assert not (await desk.runtime.store.officer_account("admin")).disabled


async def test_a_new_password_ends_every_session_of_that_account(desk, client):
    await desk.add_account("siti", "kabupaten")
    siti = client()
    await siti.sign_in("siti")
    assert (await siti.get("/officer"))[0] == 200
    admin, _ = await admin_browser(desk, client)
    status, _, headers = await change(
        admin, "reset-password", "siti", password=NEW_PASSWORD, again=NEW_PASSWORD
    )
    assert status == 303 and "done=reset_password" in headers["Location"]
    status, _, headers = await siti.get("/officer")
    assert status == 303 and headers["Location"].startswith("/officer/login")
    assert (await client().sign_in("siti"))[0] == 200  # the old password: refused
    assert (await client().sign_in("siti", NEW_PASSWORD))[0] == 303
    assert (await admin.get("/officer/accounts"))[0] == 200  # the admin's own goes on


async def test_a_required_app_code_shows_its_secret_once_and_is_asked_for(desk, client):
    await desk.add_account("siti", "kabupaten")
    admin, listed = await admin_browser(desk, client)
    pages = [listed]
    status, answer, headers = await change(admin, "require-totp", "siti")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", answer).group(1)
    assert "otpauth://totp/Migran%20Aman:siti?secret=" + secret in answer.replace("&amp;", "&")
    for path in ("/officer/accounts", "/officer", "/officer/stats"):
        pages.append((await admin.get(path))[1])
    assert not any(secret in page for page in pages), "the secret is shown once"
    assert not any("$argon2" in page for page in [*pages, answer])

    _, page, _ = await client().sign_in("siti")
    assert "salah" in page  # a password alone no longer signs in
    browser = client()
    _, page, _ = await browser.get("/officer/login")
    form = {"csrf": hidden(page, "csrf"), "username": "siti", "password": PASSWORD}
    status, _, _ = await browser.post("/officer/login", {**form, "code": pyotp.TOTP(secret).now()})
    assert status == 303 and "ma_session" in browser.cookies
    _, page, _ = await admin.get("/officer/accounts")
    assert "wajib" in page
    assert [line[1:] for line in audit(desk) if line[1].startswith("web_account")] == [
        ("web_account_require_totp", "siti")
    ]


async def test_a_telegram_id_is_linked_digits_only_and_unlinked(desk, client):
    await desk.add_account("siti", "kabupaten")
    await desk.add_account("budi", "kabupaten", telegram_id=77)
    admin, _ = await admin_browser(desk, client)
    for wrong in ("12a", "-5", "0", "1" * 16, "١٢"):
        status, page, _ = await change(admin, "link-telegram", "siti", telegram_id=wrong)
        assert status == 400 and "hanya angka" in page, wrong
    status, page, _ = await change(admin, "link-telegram", "siti", telegram_id="77")
    assert status == 400 and "sudah ditautkan ke akun lain" in page
    status, _, _ = await change(admin, "link-telegram", "siti", telegram_id="123456789")
    assert status == 303
    assert (await desk.runtime.store.officer_account("siti")).telegram_id == 123456789
    status, _, _ = await change(admin, "unlink-telegram", "siti")
    assert status == 303 and (await desk.runtime.store.officer_account("siti")).telegram_id is None
    actions = [line[1:] for line in audit(desk) if line[1].startswith("web_account")]
    assert actions == [("web_account_link_telegram", "siti")] * 2


async def test_the_accounts_page_in_english(desk, client):
    await desk.add_account("budi", "desa:Pontang/Singarajan")
    admin, _ = await admin_browser(desk, client)
    status, page, _ = await admin.get("/officer/accounts?lang=en")
    assert status == 200 and "<h1>Officers' accounts</h1>" in page and "Desa Singarajan" in page
    assert "Add the account" in page and "Disable" in page
