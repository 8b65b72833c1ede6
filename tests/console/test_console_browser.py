"""An officer runs a case from the browser (headless Chromium), while the citizen uses
Telegram (the real client against the fake Bot API): the report filed a moment before
appears in the open queue by itself; the officer claims it, asks a question the citizen
receives, reads the citizen's answer on the case page and closes the case. The statistics
page shows one SVG chart per figure for 500 seeded reports.

Skipped when /usr/bin/chromium is missing (Debian package `chromium`), unless
REQUIRE_BROWSER is set.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.console.conftest import CITIZEN, PASSWORD
from tests.test_reports import ANONYMOUS_ANSWERS, say
from tests.test_webchat_browser import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("REQUIRE_BROWSER"),
    reason="needs Chromium at /usr/bin/chromium (apt install chromium)",
)
REF = "SRG-2026-00001"
QUESTION = "Kapan dan di mana Anda bertemu perekrut itu?"
ANSWER = "Minggu lalu di pasar Pontang, dia bawa brosur."


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


async def open_page(browser, width: int = 1366, height: int = 768):
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return page, problems


async def sign_in(page, url: str, username: str) -> None:
    await page.goto(f"{url}/officer/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form.signin button[type=submit]")
    await page.wait_for_url(f"{url}/officer")


async def test_an_officer_works_a_telegram_report_from_the_browser(desk, browser):
    await desk.add_account("siti", "kabupaten")
    page, problems = await open_page(browser)
    await sign_in(page, desk.url, "siti")
    assert await page.locator("#results").count() == 1
    assert REF not in await page.content()

    # the citizen files a report on Telegram; the open queue shows it without a reload
    filed = await say(desk.api, CITIZEN, *ANONYMOUS_ANSWERS)
    assert REF in filed["text"]
    row = page.locator("table.queue tr", has_text=REF)
    await row.wait_for()
    assert "Pontang" in await row.inner_text()

    await row.locator("a", has_text=REF).click()
    await page.wait_for_url(f"{desk.url}/officer/case/{REF}")
    facts = await page.locator(".facts").inner_text()
    assert "anonim" in facts and "Kerja pabrik di Malaysia" in facts

    await page.click("form.claim button")
    await page.wait_for_url(f"**/officer/case/{REF}?done=claim")
    assert "Ditangani oleh siti" in await page.locator(".facts").inner_text()

    before = len(desk.api.sent(CITIZEN))
    await page.fill("form.ask textarea", QUESTION)
    await page.click("form.ask button")
    await page.wait_for_url(f"**/officer/case/{REF}?done=ask")
    await desk.api.wait_for(lambda: len(desk.api.sent(CITIZEN)) > before)
    received = desk.api.sent(CITIZEN)[-1]["text"]
    assert QUESTION in received and "siti" not in received  # no officer's name

    await say(desk.api, CITIZEN, ANSWER)
    await page.reload()
    thread = await page.locator("ol.thread").inner_text()
    assert QUESTION in thread and ANSWER in thread

    await page.select_option("form.close select[name=outcome]", "police")
    await page.click("form.close button")
    await page.wait_for_url(f"**/officer/case/{REF}?done=close")
    facts = await page.locator(".facts").inner_text()
    assert "Ditutup" in facts and "Dirujuk ke polisi" in facts
    assert await page.locator("form.claim, form.ask").count() == 0
    assert problems == []

    # both doors, one desk: the same audit lines as the Telegram buttons write
    database = sqlite3.connect(desk.runtime.store.path)
    lines = database.execute(
        "SELECT officer_id, action FROM audit_log WHERE report_ref = ? ORDER BY id", [REF]
    ).fetchall()
    actions = [action for _, action in lines]
    assert actions.index("view") < actions.index("claim") < actions.index("to_reporter")
    assert actions[-1] == "view" and "close" in actions
    assert {officer for officer, _ in lines} == {-1}  # the account, no Telegram id linked


async def test_the_pages_fit_a_phone(desk, browser):
    (ref,) = await desk.seed(photos=1)
    await desk.add_account("siti", "kabupaten")
    page, problems = await open_page(browser, 360, 740)
    await sign_in(page, desk.url, "siti")
    await desk.register("601", stuck_days=20)
    paths = ("/officer", f"/officer/case/{ref}", "/officer/stats", "/officer/calon")
    for path in (*paths, "/officer/alert"):
        await page.goto(desk.url + path)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    assert problems == []


async def test_an_officer_finds_who_registered_with_an_unlicensed_recruiter(desk, browser):
    await desk.register("601", stuck_days=20)
    await desk.register(
        "602",
        name="Budi",
        recruiter="Pak Haji",
        recruiter_licence="",
        recruiter_status="individual",
    )
    await desk.add_account("siti", "kabupaten")
    page, problems = await open_page(browser)
    await sign_in(page, desk.url, "siti")
    await page.click("header nav a[href='/officer/calon']")
    await page.wait_for_url(f"{desk.url}/officer/calon")
    table = page.locator("table.calon")
    assert await table.locator("tbody tr").count() == 2
    await page.select_option("select[name=recruiter]", "unlicensed")
    await page.click("form.filters button[type=submit]")
    await page.wait_for_url("**/officer/calon?*recruiter=unlicensed*")
    rows = await table.locator("tbody tr").all_inner_texts()
    assert len(rows) == 1 and "Budi" in rows[0] and "sponsor/calo" in rows[0]
    async with page.expect_download() as waiting:
        await page.click("a[href^='/officer/calon.csv']")
    download = await waiting.value
    exported = Path(await download.path()).read_text()
    assert "Budi" in exported and "Siti" not in exported and "602" not in exported
    assert problems == []


async def test_the_statistics_page_shows_every_chart_for_500_reports(desk, browser):
    await seed_many(desk, 500)
    await desk.add_account("siti", "kabupaten")
    page, problems = await open_page(browser)
    await sign_in(page, desk.url, "siti")
    response = await page.goto(f"{desk.url}/officer/stats")
    assert response is not None and response.status == 200
    charts = page.locator("figure.chart")
    count = await charts.count()
    assert count >= 9
    for index in range(count):
        assert await charts.nth(index).locator("svg").count() == 1
    text = await page.locator("main").inner_text()
    assert "Ibu Sari" not in text and "081234567890" not in text and "SRG-" not in text
    assert problems == []


async def seed_many(desk, count: int) -> None:
    """`count` reports over the 29 kecamatan and a few countries, some urgent."""
    names = desk.runtime.content.data.kecamatan_names()
    countries = ("Malaysia", "Saudi Arabia", "Taiwan", "Hong Kong", "Korea Selatan", "")
    for index in range(count):
        await desk.seed(
            kecamatan=names[(index * 7) % len(names)],
            country=countries[index % len(countries)],
            urgent=index % 9 == 0,
        )
