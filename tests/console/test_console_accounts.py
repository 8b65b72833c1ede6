"""`python -m bot officer ...` as an administrator runs it on the server, and what its
changes mean for signing in; one person on both doors; the console in English."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.officers.desk import Officer
from tests.console.conftest import PASSWORD, hidden
from tests.test_cli import bot


def test_officer_accounts_from_the_command_line(tmp_path):
    env = {"BOT_DB": str(tmp_path / "bot.db")}
    added = bot(
        "officer",
        "add",
        "Siti",
        "--role",
        "kecamatan:pontang",
        env={**env, "OFFICER_PASSWORD": PASSWORD},
    )
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr
    from_stdin = bot(
        "officer", "add", "bupati", "--role", "kabupaten", stdin=PASSWORD + "\n", env=env
    )
    assert from_stdin.returncode == 0, from_stdin.stderr
    twice = bot("officer", "add", "siti", "--role", "kabupaten", stdin=PASSWORD + "\n", env=env)
    assert twice.returncode == 2 and "exists already" in twice.stderr
    nowhere = bot("officer", "add", "xx", "--role", "kecamatan:Atlantis", stdin=PASSWORD, env=env)
    assert nowhere.returncode == 2 and "not a kecamatan" in nowhere.stderr
    short = bot("officer", "add", "yy", "--role", "kabupaten", stdin="pendek\n", env=env)
    assert short.returncode == 2 and "at least 10" in short.stderr
    assert bot("officer", "disable", "siti", env=env).returncode == 0
    totp = bot("officer", "require-totp", "bupati", env=env)
    assert totp.returncode == 0 and "otpauth://totp/" in totp.stdout
    listed = bot("officer", "list", env=env).stdout.splitlines()
    assert listed == ["bupati\tkabupaten\tactive totp", "siti\tkecamatan:Pontang\tdisabled"]
    database = sqlite3.connect(tmp_path / "bot.db")
    stored = database.execute("SELECT password_hash FROM officer_accounts").fetchall()
    assert all(row[0].startswith("$argon2id$") for row in stored)
    assert PASSWORD not in str(database.execute("SELECT * FROM officer_accounts").fetchall())
    actions = [row[0] for row in database.execute("SELECT action FROM audit_log")]
    assert actions == [
        "web_account_added",
        "web_account_added",
        "web_account_disable",
        "web_account_require_totp",
    ]


def test_roles_and_usernames_that_could_never_work_are_refused(tmp_path):
    env = {"BOT_DB": str(tmp_path / "bot.db"), "OFFICER_PASSWORD": PASSWORD}
    refused = {
        ("kades", "desa:Pontang/Singarajaaaan"): "not a desa of Kecamatan Pontang",
        ("kades", "desa:Pontang/Domas Baru"): "not a desa of Kecamatan Pontang",
        ("", "kabupaten"): "is no username",
        ("   ", "kabupaten"): "is no username",
        ("a" * 150, "kabupaten"): "is no username",
        ("bad name<script>", "kabupaten"): "is no username",
    }
    for (username, role), message in refused.items():
        result = bot("officer", "add", username, "--role", role, env=env)
        assert result.returncode == 2 and message in result.stderr, (username, role)
        assert "Traceback" not in result.stderr
    added = bot("officer", "add", "Kades.Singarajan", "--role", "desa: PONTANG/singarajan", env=env)
    assert added.returncode == 0, added.stderr
    listed = bot("officer", "list", env=env).stdout.splitlines()
    assert listed == ["kades.singarajan\tdesa:Pontang/Singarajan\tactive"]


def test_a_telegram_id_links_one_account_only(tmp_path):
    env = {"BOT_DB": str(tmp_path / "bot.db"), "OFFICER_PASSWORD": PASSWORD}
    first = bot("officer", "add", "siti", "--role", "kabupaten", "--telegram-id", "77", env=env)
    assert first.returncode == 0, first.stderr
    taken = bot("officer", "add", "budi", "--role", "kabupaten", "--telegram-id", "77", env=env)
    assert taken.returncode == 1 and "Traceback" not in taken.stderr
    assert taken.stderr.strip() == "error: Telegram id 77 is linked to another account"
    assert bot("officer", "add", "budi", "--role", "kabupaten", env=env).returncode == 0
    link = bot("officer", "link-telegram", "budi", "77", env=env)
    assert link.returncode == 1 and "Traceback" not in link.stderr
    assert "Telegram id 77 is linked to another account" in link.stderr
    assert bot("officer", "link-telegram", "siti", "77", env=env).returncode == 0  # its own
    listed = bot("officer", "list", env=env).stdout.splitlines()
    assert listed == ["budi\tkabupaten\tactive", "siti\tkabupaten\tactive telegram:77"]


async def test_a_required_second_factor_is_asked_for(desk, client):
    import pyotp

    await desk.add_account("siti", "kabupaten")
    secret = pyotp.random_base32()
    await desk.runtime.store.update_account("siti", totp_secret=secret, totp_required=1)
    browser = client()
    _, page, _ = await browser.sign_in("siti")
    assert "salah" in page and "ma_session" not in browser.cookies
    _, page, _ = await browser.get("/officer/login")
    form = {"csrf": hidden(page, "csrf"), "username": "siti", "password": PASSWORD}
    status, _, _ = await browser.post("/officer/login", {**form, "code": pyotp.TOTP(secret).now()})
    assert status == 303 and "ma_session" in browser.cookies


async def test_a_second_factor_code_signs_in_once(desk, client):
    import pyotp

    await desk.add_account("siti", "kabupaten")
    totp = pyotp.TOTP(pyotp.random_base32())
    await desk.runtime.store.update_account("siti", totp_secret=totp.secret, totp_required=1)
    now = datetime.now(UTC)
    code, next_code = totp.at(now), totp.at(now + timedelta(seconds=30))

    async def sign_in(code: str) -> tuple[int, str, bool]:
        browser = client()
        _, page, _ = await browser.get("/officer/login")
        form = {"csrf": hidden(page, "csrf"), "username": "siti", "password": PASSWORD}
        status, page, _ = await browser.post("/officer/login", {**form, "code": code})
        return status, page, "ma_session" in browser.cookies

    assert (await sign_in(code))[::2] == (303, True)
    status, page, signed = await sign_in(code)  # the same code again (seen, or replayed)
    assert status == 200 and "salah" in page and not signed
    assert (await sign_in(next_code))[::2] == (303, True)  # the next code is a new one
    assert not (await sign_in(code))[2], "an older code neither"
    database = sqlite3.connect(desk.runtime.store.path)
    actions = [row[0] for row in database.execute("SELECT action FROM audit_log")]
    assert actions == ["web_sign_in", "web_sign_in_wrong", "web_sign_in", "web_sign_in_wrong"]


async def test_a_linked_officer_is_one_person_on_both_doors(desk, client):
    (ref,) = await desk.seed()
    await desk.add_account("siti", "kabupaten", telegram_id=42)
    browser = client()
    await browser.sign_in("siti")
    _, page, _ = await browser.get(f"/officer/case/{ref}")
    form = {"csrf": hidden(page, "csrf"), "form_id": hidden(page, "form_id"), "action": "claim"}
    status, _, headers = await browser.post(f"/officer/case/{ref}", form)
    assert status == 303 and headers["Location"].endswith("?done=claim")
    # the same form sent again (a double click, a resubmitted page) is done once
    await browser.post(f"/officer/case/{ref}", form)
    report = await desk.runtime.store.report(ref)
    assert report.status == "claimed" and report.claimed_by == 42
    database = sqlite3.connect(desk.runtime.store.path)
    lines = database.execute("SELECT officer_id, action FROM audit_log WHERE report_ref = ?", [ref])
    assert sorted(lines.fetchall()) == [(42, "claim"), (42, "view")]
    # on Telegram the same officer finds the report taken already (by themself)
    officer = Officer("telegram", 42, "Siti", -100)
    answer = await desk.runtime.officer_pressed(officer, f"o:claim:{ref}", "tg-1")
    assert "sudah" in answer.replies[0].text


async def test_the_console_speaks_english_when_asked(desk, client):
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    _, page, _ = await browser.get("/officer?lang=en")
    assert 'lang="en"' in page and "Report queue" in page and "Sign out everywhere" in page
    _, page, _ = await browser.get("/officer/stats")  # the choice is remembered
    assert "Report statistics" in page
    _, page, _ = await browser.get("/officer?lang=id")
    assert "Antrean laporan" in page
