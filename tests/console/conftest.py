"""The officers' web console in the test process: the real runtime and Telegram channel
against the fake Bot API (citizens and the officers' group), and the real aiohttp
application with the console's routes on a local port.

`desk` gives a `Desk`: its `url`, its `runtime`, the fake Telegram `api`, `add_account`
and `seed` (reports filed through the store's effect path, as a turn files them)."""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.channels.telegram import TelegramChannel
from bot.config import ConsoleConfig
from bot.console.passwords import hash_password
from bot.console.web import OfficerConsole
from bot.effects import FileReport, SaveRegistration
from bot.runtime import Runtime
from bot.server import build_app
from tests.fakes.files import png
from tests.people import fake_telegram
from tests.waiting import settled

PASSWORD = "kata-sandi-rahasia-1"
CITIZEN = 500


@dataclass
class Desk:
    """What a console test works with."""

    url: str
    runtime: Runtime
    api: Any
    media: Path
    telegram: TelegramChannel
    _keys: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def settle(self) -> None:
        """Until Telegram has answered every update and sent every message that is due."""
        await settled(self.telegram.idle)

    async def add_account(self, username: str, role: str, telegram_id: int | None = None) -> None:
        store = self.runtime.store
        assert await store.create_account(username, hash_password(PASSWORD), role, _now())
        if telegram_id:
            await store.update_account(username, telegram_id=telegram_id)

    async def seed(self, count: int = 1, photos: int = 0, **fields: Any) -> list[str]:
        """File `count` reports (with `photos` PNG files each); their numbers."""
        refs = []
        for _ in range(count):
            key = next(self._keys)
            paths = []
            for index in range(photos):
                path = self.media / f"seed-{key}-{index}.png"
                path.write_bytes(png(64))
                paths.append(str(path))
            values = {**report_fields(), **fields}
            effect = FileReport(f"seed-{key}", values, tuple(paths), "SRG")
            refs.append(await self.runtime.store.commit_effects("seed", "", _now(), [effect]))
        return refs

    async def register(self, user: str, stuck_days: int = 0, **fields: Any) -> None:
        """Register a plan for Telegram user `user`, as the planner's form saves it (Siti
        of Cikande Permai, to Taiwan as a carer, with a licensed recruiter, her name shown
        to officers); `stuck_days`: her first step has been open that long."""
        values = {**registration_fields(), **fields}
        effect = SaveRegistration("telegram", user, values)
        await self.runtime.store.commit_effects("seed", "", _now(), [effect])
        if stuck_days:
            since = (_now() - timedelta(days=stuck_days)).isoformat()
            with sqlite3.connect(self.runtime.store.path) as database:
                database.execute(
                    "UPDATE registrations SET current_since = ? WHERE user_ref = ?", [since, user]
                )


def registration_fields(**changes: Any) -> dict[str, Any]:
    """A plan as the planner's form saves it."""
    return {
        "for_whom": "self",
        "name": "Siti Aminah",
        "kecamatan": "Cikande",
        "desa": "Cikande Permai",
        "desa_code": "36.04.15.2013",
        "country": "TW",
        "sector": "care",
        "recruiter": "PT Contoh Sejahtera (SAMPEL)",
        "recruiter_licence": "SAMPEL-001",
        "recruiter_status": "active",
        "departure": date(2027, 3, 1),
        "lang": "id",
        "show_name": True,
        "contact": True,
        "current_step": "register",
        **changes,
    }


def report_fields(**changes: Any) -> dict[str, Any]:
    """A report as the report form files it (named, from Pontang, not urgent)."""
    return {
        "channel": "telegram",
        "user": str(CITIZEN),
        "anonymous": False,
        "urgent": False,
        "offer": "Kerja pabrik di Malaysia, bayar 5 juta dulu",
        "recruiter": "Pak Udin",
        "place": "serang",
        "kecamatan": "Pontang",
        "country": "Malaysia",
        "name": "Ibu Sari",
        "phone": "081234567890",
        "lang": "id",
        **changes,
    }


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
async def desk(tmp_path: Path, bot_api, officer_runtime):
    """The console (session cookies `Secure`, as in production; the queue refreshes every
    0.3 s) and Telegram with the officers' group -100, on local ports."""
    runtime = officer_runtime
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    telegram = fake_telegram(runtime, bot_api, media)
    await telegram.start()
    bot_api.channel = telegram
    console = OfficerConsole(runtime, ConsoleConfig(refresh_seconds=0.3), media)
    server = TestServer(build_app(runtime, [console], 100_000), host="127.0.0.1")
    await server.start_server()
    yield Desk(f"http://localhost:{server.port}", runtime, bot_api, media, telegram)
    await server.close()
    await telegram.stop()


class Client:
    """A plain HTTP client with its own cookie jar that keeps `Secure` cookies over the
    local http (as browsers do for localhost); no redirect is followed."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    async def request(self, method: str, path: str, **options: Any) -> tuple[int, str, Any]:
        headers = dict(options.pop("headers", {}))
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        async with self.session.request(
            method, self.url + path, headers=headers, allow_redirects=False, **options
        ) as response:
            for line in response.headers.getall("Set-Cookie", []):
                self.set_cookies.append(line)
                for name, morsel in SimpleCookie(line).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return response.status, await response.text(errors="replace"), response.headers

    async def get(self, path: str) -> tuple[int, str, Any]:
        return await self.request("GET", path)

    async def post(self, path: str, form: dict[str, str]) -> tuple[int, str, Any]:
        return await self.request("POST", path, data=form)

    async def sign_in(self, username: str, password: str = PASSWORD) -> tuple[int, str, Any]:
        _status, page, _ = await self.get("/officer/login")
        token = hidden(page, "csrf")
        return await self.post(
            "/officer/login", {"csrf": token, "username": username, "password": password}
        )


def hidden(page: str, name: str) -> str:
    """The value of the first hidden field `name` of a page."""
    marker = f'name="{name}" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.fixture
async def client(desk):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield lambda: Client(session, desk.url)
