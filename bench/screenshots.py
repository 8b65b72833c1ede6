"""The README's pictures of the officers' web console, made again on demand:

    .venv/bin/python bench/screenshots.py

Seeds a throwaway database with 500 demo reports (bench/console.py), serves the console
in this process, signs the demo officer in with headless Chromium at 1366x768 and writes
docs/screenshots/console-queue.png, console-case.png, console-stats.png and
console-calon.png (40 demo registrations). Every name and number in them is made up; the
places are real kecamatan and desa of Kabupaten Serang.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.console import PASSWORD, USERNAME, Console, open_console  # noqa: E402
from bot.console.roles import Role  # noqa: E402
from bot.console.signin import SignedIn  # noqa: E402
from bot.effects import FileReport, RelayToOfficers, SaveRegistration  # noqa: E402
from tests.test_webchat_browser import CHROMIUM, LAUNCH_ARGS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


async def main() -> None:
    from playwright.async_api import async_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="console-shots-") as folder:
        media = Path(folder)
        async with (
            open_console(ROOT / "content", 500, media) as console,
            async_playwright() as playwright,
        ):
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
            )
            context = await browser.new_context(viewport={"width": 1366, "height": 768})
            page = await context.new_page()
            await page.goto(f"{console.url}/officer/login")
            await page.fill("input[name=username]", USERNAME)
            await page.fill("input[name=password]", PASSWORD)
            await page.click("form.signin button[type=submit]")
            await page.wait_for_url(f"{console.url}/officer")
            await page.screenshot(path=str(OUT / "console-queue.png"))
            ref = await demo_case(console, media)
            await page.goto(f"{console.url}/officer/case/{ref}")
            await page.screenshot(path=str(OUT / "console-case.png"))
            await page.goto(f"{console.url}/officer/stats")
            await page.screenshot(path=str(OUT / "console-stats.png"))
            await demo_registrations(console)
            await page.goto(f"{console.url}/officer/calon")
            await page.screenshot(path=str(OUT / "console-calon.png"))
            await browser.close()
    for name in ("queue", "case", "stats", "calon"):
        print(f"wrote {OUT / f'console-{name}.png'}")


async def demo_case(console: Console, media: Path) -> str:
    """An urgent report with a photo of an advert, claimed, with a question to the reporter
    (through the desk, as the console's forms do) and the reporter's answer."""
    from datetime import UTC, datetime

    from PIL import Image, ImageDraw

    photo = media / "demo-advert.png"
    picture = Image.new("RGB", (300, 380), "#fff6d5")
    draw = ImageDraw.Draw(picture)
    for line, text in enumerate(
        [
            "LOWONGAN KERJA",
            "PABRIK MALAYSIA",
            "Gaji 8 juta/bulan",
            "Tanpa pengalaman",
            "Biaya proses 5 juta",
            "Hubungi: (contoh)",
        ]
    ):
        draw.text((24, 30 + line * 50), text, fill="#7a1f1f")
    picture.save(photo)
    fields = {
        "channel": "telegram",
        "user": "demo-case",
        "anonymous": True,
        "urgent": True,
        "offer": "Kerja pabrik di Malaysia, gaji 8 juta, bayar 5 juta dulu untuk visa. "
        "Berangkat lewat Batam minggu depan, paspor dipegang sponsor.",
        "recruiter": "Pak Udin, grup Facebook lowongan",
        "place": "serang",
        "kecamatan": "Pontang",
        "country": "Malaysia",
        "name": "",
        "phone": "",
        "lang": "id",
    }
    store = console.runtime.store
    now = datetime.now(UTC)
    filing = FileReport("demo-case", fields, (str(photo),), "SRG")
    ref = await store.commit_effects("demo", "", now, [filing])
    account = await store.officer_account(USERNAME)
    assert account is not None
    officer = SignedIn(account, Role("kabupaten"), "", "").officer
    await console.runtime.officer_on_web(officer, "claim", ref, "", "demo-1")
    question = "Kapan dan di mana Anda bertemu perekrut itu?"
    await console.runtime.officer_on_web(officer, "ask", ref, question, "demo-2")
    answer = RelayToOfficers(ref, "Minggu lalu di pasar Pontang, dia bawa brosur.")
    await store.commit_effects("demo", "", now, [answer])
    note = "Nomor yang sama muncul di 2 laporan lain; diteruskan ke Disnakertrans."
    await console.runtime.officer_on_web(officer, "note", ref, note, "demo-3")
    return ref


DEMO_PEOPLE = ("Siti", "Nur", "Rina", "Dewi", "Ayu", "Lilis", "Yanti", "Euis", "Ani", "Tuti")
DEMO_PLACES = (
    ("Cikande", "Cikande Permai"),
    ("Cikande", "Parigi"),
    ("Pontang", "Singarajan"),
    ("Pontang", "Linduk"),
    ("Tanara", "Tanara"),
)
DEMO_RECRUITERS = (  # (name, licence, status as registered)
    ("PT Contoh Sejahtera (SAMPEL)", "SAMPEL-001", "active"),
    ("PT Contoh Bina Karya (SAMPEL)", "SAMPEL-004", "active"),
    ("PT Contoh Sejahtera Abadi (SAMPEL)", "SAMPEL-002", "revoked"),
    ("Pak Haji (sponsor)", "", "individual"),
    ("", "", "none"),
)


async def demo_registrations(console: Console) -> None:
    """40 made-up people who registered a plan, some stuck at their first step."""
    import sqlite3
    from datetime import UTC, date, datetime, timedelta

    store = console.runtime.store
    now = datetime.now(UTC)
    for number in range(40):
        kecamatan, desa = DEMO_PLACES[number % len(DEMO_PLACES)]
        recruiter, licence, status = DEMO_RECRUITERS[(number * 3) % len(DEMO_RECRUITERS)]
        fields = {
            "for_whom": "self",
            "name": f"{DEMO_PEOPLE[number % len(DEMO_PEOPLE)]} (contoh {number + 1})",
            "kecamatan": kecamatan,
            "desa": desa,
            "desa_code": "",
            "country": ("TW", "MY", "HK", "SA")[number % 4],
            "sector": ("care", "manufacturing", "domestic")[number % 3],
            "recruiter": recruiter,
            "recruiter_licence": licence,
            "recruiter_status": status,
            "departure": date.today() + timedelta(days=90 + number),
            "lang": "id",
            "show_name": number % 4 != 1,
            "contact": number % 2 == 0,
            "current_step": "register",
        }
        effect = SaveRegistration("demo", f"person-{number}", fields)
        await store.commit_effects("demo", "", now, [effect])
    with sqlite3.connect(store.path) as database:  # some have waited long at their step
        stuck = (now - timedelta(days=21)).isoformat()
        database.execute("UPDATE registrations SET current_since = ? WHERE id % 3 = 0", [stuck])


if __name__ == "__main__":
    asyncio.run(main())
