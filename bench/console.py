"""The officers' web console with a seeded database: how long its pages take (`make bench`
section "console"), and the demo that `bench/screenshots.py` photographs.

`open_console` opens a runtime on a fresh database with `count` reports filed through the
store's effect path (`FileReport`, as a turn files them) over the last twelve weeks, spread
over the 29 kecamatan and a few countries, a ninth of them urgent, most claimed and many
closed (`ChangeReport`, as the desk writes them); then it serves the console's routes on a
local port in this process and signs an officer of the whole kabupaten in.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from bot.actions import load_actions
from bot.config import ConsoleConfig
from bot.console.passwords import hash_password
from bot.console.web import OfficerConsole
from bot.content import load_checked_content
from bot.effects import ChangeReport, Effect, FileReport, RelayToOfficers
from bot.runtime import Runtime
from bot.server import build_app
from bot.services import Services
from bot.store import Store

USERNAME = "siti"
PASSWORD = "kata-sandi-demo-1"
COUNTRIES = ("Malaysia", "Saudi Arabia", "Taiwan", "Hong Kong", "Korea Selatan", "Jepang", "")
OFFERS = (
    "Kerja pabrik di Malaysia, gaji 8 juta, bayar 5 juta dulu untuk visa",
    "Jadi PRT di Arab Saudi, berangkat minggu depan, paspor diurus sponsor",
    "Kerja perkebunan, tanpa kontrak, potong gaji 6 bulan",
    "Lowongan pabrik elektronik Taiwan, biaya pelatihan 15 juta",
)
ROUNDS = 20


@dataclass
class Console:
    """The demo console: its address, its runtime and a signed-in HTTP session."""

    url: str
    runtime: Runtime
    http: aiohttp.ClientSession


@asynccontextmanager
async def open_console(
    content: Path, count: int, media: Path | None = None
) -> AsyncIterator[Console]:
    """A console on a fresh database of `count` reports, with officer `siti` signed in."""
    with tempfile.TemporaryDirectory(prefix="console-bench-") as folder:
        store = Store(Path(folder) / "bot.db")
        await store.open()
        try:
            runtime = Runtime(
                store=store,
                content=load_checked_content(content, load_actions()),
                actions=load_actions(),
                content_dir=content,
                timeout=timedelta(minutes=30),
                services=Services(store=store, media_dir=media or Path(folder)),
            )
            await seed(runtime, count, datetime.now(UTC))
            await store.create_account(
                USERNAME, hash_password(PASSWORD), "kabupaten", datetime.now(UTC)
            )
            config = ConsoleConfig(secure_cookie=False)
            console = OfficerConsole(runtime, config, media or Path(folder))
            server = TestServer(build_app(runtime, [console], 100_000), host="127.0.0.1")
            await server.start_server()
            url = f"http://127.0.0.1:{server.port}"
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                await sign_in(http, url)
                yield Console(url, runtime, http)
            await server.close()
        finally:
            await store.close()


async def sign_in(http: aiohttp.ClientSession, url: str) -> None:
    async with http.get(f"{url}/officer/login") as response:
        page = await response.text()
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    form = {"csrf": page[start : page.index('"', start)], "username": USERNAME}
    async with http.post(f"{url}/officer/login", data={**form, "password": PASSWORD}) as answer:
        assert answer.url.path == "/officer", "the demo officer could not sign in"


async def seed(runtime: Runtime, count: int, now: datetime, photos: tuple[str, ...] = ()) -> None:
    """`count` reports over the last twelve weeks, filed and worked as turns do."""
    names = runtime.content.data.kecamatan_names()
    store = runtime.store
    for index in range(count):
        filed = now - timedelta(hours=(index * 37) % (84 * 24), minutes=index % 60)
        kecamatan = names[(index * index + 3 * index) % len(names)] if index % 6 else ""
        fields = {
            "channel": "telegram" if index % 3 else "whatsapp",
            "user": f"demo-{index}",
            "anonymous": index % 4 == 0,
            "urgent": index % 9 == 0,
            "offer": OFFERS[index % len(OFFERS)],
            "recruiter": "Pak Udin (sponsor)" if index % 2 else "Grup Facebook lowongan",
            "place": "serang" if kecamatan else ("abroad" if index % 2 else "elsewhere"),
            "kecamatan": kecamatan,
            "country": COUNTRIES[index % len(COUNTRIES)],
            "name": "" if index % 4 == 0 else f"Warga {index}",
            "phone": "" if index % 4 == 0 else f"0812{index:08d}",
            "lang": "id",
            "kind": "question" if index % 25 == 0 else "report",
        }
        shots = photos if index == count - 1 else ()
        effect = FileReport(f"demo-{index}", fields, shots, "SRG")
        ref = await store.commit_effects("demo", "", filed, [effect])
        await _work(store, ref, index, filed, now)


async def _work(store: Store, ref: str, index: int, filed: datetime, now: datetime) -> None:
    """Claim most reports some hours after they came in, close many of those later."""
    claimed = filed + timedelta(hours=1 + index % 40)
    if index % 5 == 0 or claimed > now:
        return
    effects: list[Effect] = [
        ChangeReport(
            ref,
            -1,
            "claim",
            {
                "status": "claimed",
                "claimed_by": -1,
                "claimed_by_name": USERNAME,
                "claimed_at": claimed.isoformat(),
            },
            expect_status="received",
        )
    ]
    if index % 3 == 0:
        effects.append(ChangeReport(ref, -1, "to_reporter", note="Kapan Anda dihubungi perekrut?"))
        effects.append(RelayToOfficers(ref, "Dua minggu lalu lewat WhatsApp."))
    closed = claimed + timedelta(hours=6 + index % 90)
    if index % 2 == 0 and closed < now:
        changes = {"status": "closed", "outcome": "disnaker", "closed_at": closed.isoformat()}
        effects.append(ChangeReport(ref, -1, "close", changes))
    await store.commit_effects("demo", "", claimed, effects)


@dataclass(frozen=True, slots=True)
class PageTime:
    """One page's load times over ROUNDS requests, in milliseconds."""

    page: str
    median_ms: float
    slowest_ms: float


async def run(content: Path, count: int = 500) -> list[PageTime]:
    """Time the statistics page, the queue and a case page on `count` reports."""
    async with open_console(content, count) as console:
        async with console.http.get(f"{console.url}/officer") as response:
            page = await response.text()
        start = page.index("/officer/case/") + len("/officer/case/")
        case = page[start : page.index('"', start)]
        paths = {
            "statistics (/officer/stats, 90 days)": "/officer/stats",
            "statistics, 365 days": "/officer/stats?days=365",
            "queue (/officer, 50 of all)": "/officer",
            "case page": f"/officer/case/{case}",
        }
        return [await _time(console, name, path) for name, path in paths.items()]


async def _time(console: Console, name: str, path: str) -> PageTime:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        async with console.http.get(console.url + path) as response:
            await response.read()
            assert response.status == 200, (path, response.status)
        times.append((time.perf_counter() - started) * 1000)
    return PageTime(name, statistics.median(times), max(times))
