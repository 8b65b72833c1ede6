"""What the console's statistics page shows an area officer: nobody's own words, and only
their own area's figures."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.engine.session import QuestionLog, Session

TOLD = "Saya Siti Rahayu dari Kampung Babakan, sponsor Pak Joko pegang paspor saya"


async def test_an_unanswered_question_never_shows_who_asked_it(desk, client):
    now = datetime.now(UTC)
    for times, key in ((1, "once"), (6, "often")):
        questions = [QuestionLog(f"{key}{n}", TOLD, "id", (), None, now) for n in range(times)]
        await desk.runtime.store.commit_turn(
            "test", key, Session(lang="id", node="main"), "", [], now, questions=questions
        )
    await desk.add_account("kades", "desa:Pontang/Singarajan")
    await desk.add_account("siti", "kabupaten")
    for username in ("kades", "siti"):
        browser = client()
        await browser.sign_in(username)
        status, page, _ = await browser.get("/officer/stats")
        assert status == 200
        for word in ("Siti", "Rahayu", "Babakan", "Joko"):
            assert word not in page, (username, word)
        start = page.index('id="chart-unanswered"')
        assert "paspor" in page[start : page.index("</figure>", start)]


async def test_an_area_officer_sees_only_their_own_area_in_the_kecamatan_chart(desk, client):
    await desk.seed(6)  # Pontang
    await desk.seed(2, kecamatan="Anyar")
    await desk.add_account("camat", "kecamatan:Pontang")
    await desk.add_account("kades", "desa:Pontang/Singarajan")
    for username, label in (("camat", ">Pontang<"), ("kades", ">Singarajan<")):
        browser = client()
        await browser.sign_in(username)
        _, page, _ = await browser.get("/officer/stats")
        start = page.index('id="chart-kecamatan"')
        chart = page[start : page.index("</figure>", start)]
        assert label in chart and "Anyar" not in chart and "Tanara" not in chart, username
