"""A desa officer's area in the console: a report a citizen files on Telegram (the real
client against the fake Bot API) with their desa is in that officer's queue; a report from
another desa of the same kecamatan, or without a desa, is not."""

from __future__ import annotations

import re

from tests.console.conftest import CITIZEN
from tests.test_reports import ANONYMOUS_ANSWERS, say


async def test_a_desa_officer_sees_the_reports_of_their_desa(desk, client):
    assert ANONYMOUS_ANSWERS[7:9] == ["Pontang", "Singarajan"]  # the form asks the desa
    filed = await say(desk.api, CITIZEN, *ANONYMOUS_ANSWERS)
    ref = re.findall(r"SRG-\d{4}-\d{5}", filed["text"])[0]
    report = await desk.runtime.store.report(ref)
    assert report is not None and (report.kecamatan, report.desa) == ("Pontang", "Singarajan")
    (other_desa,) = await desk.seed(desa="Domas")
    (no_desa,) = await desk.seed()

    await desk.add_account("kades", "desa:pontang/Singarajan")
    browser = client()
    await browser.sign_in("kades")
    _, queue, _ = await browser.get("/officer")
    assert ref in queue and other_desa not in queue and no_desa not in queue
    status, page, _ = await browser.get(f"/officer/case/{ref}")
    assert status == 200 and "Singarajan" in page
    status, _, _ = await browser.get(f"/officer/case/{other_desa}")
    assert status == 404
