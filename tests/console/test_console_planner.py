"""The departure planner on the web console, over HTTP against the real application: the
registered people of an officer's area with their progress and filters, their export, and
the registrations-by-desa chart of the statistics. (Alerts: test_console_alerts.py.)"""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from tests.test_exports import xlsx_rows

SITI, BUDI, ANI, DEDI = "601", "602", "603", "604"
PHONE_LIKE = "6281234567890"


@pytest.fixture
async def registered(desk):
    """Four people: Siti (Cikande, licensed, name shown, stuck 20 days at her first step),
    Budi (Cikande, a "sponsor", name hidden), Ani (Pontang, a revoked company) and Dedi
    (Cikande, another desa, no recruiter yet)."""
    await desk.register(SITI, stuck_days=20)
    await desk.register(
        BUDI,
        name="Budi Santoso",
        show_name=False,
        recruiter="Pak Haji",
        recruiter_licence="",
        recruiter_status="individual",
    )
    await desk.register(
        ANI,
        name="Ani",
        kecamatan="Pontang",
        desa="Pontang",
        recruiter="PT Contoh Sejahtera Abadi (SAMPEL)",
        recruiter_licence="SAMPEL-002",
        recruiter_status="revoked",
    )
    await desk.register(
        DEDI,
        name='=HYPERLINK("http://evil.example")',
        desa="Parigi",
        recruiter="",
        recruiter_licence="",
        recruiter_status="none",
    )
    return desk


async def test_a_kecamatan_officer_sees_their_kecamatans_people_and_progress(registered, client):
    await registered.add_account("camat", "kecamatan:Cikande")
    browser = client()
    await browser.sign_in("camat")
    status, page, headers = await browser.get("/officer/calon")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert "3 orang terdaftar" in page
    assert "P3MI berizin: 1" in page and "Tidak berizin / calo: 1" in page
    assert "Belum ada perekrut: 1" in page
    assert "Siti Aminah" in page and "Daftar di Disnakertrans (20 hari)" in page
    assert "Budi" not in page and "(nama tidak ditampilkan)" in page  # Budi hid his name
    assert "Ani" not in page  # Pontang is not this officer's area
    assert SITI not in page and BUDI not in page  # never an account
    # counts by desa, and who is stuck where
    assert "Cikande Permai" in page and "Parigi" in page
    assert "Tertahan lama di langkah" in page
    database = sqlite3.connect(registered.runtime.store.path)
    audit = database.execute(
        "SELECT officer_id, action, detail FROM audit_log WHERE action = 'web_view_candidates'"
    ).fetchall()
    assert len(audit) == 1 and audit[0][0] == -1 and audit[0][2].startswith("Cikande: 3 of 3")


async def test_the_filters_pick_by_recruiter_and_stuck_step(registered, client):
    await registered.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    _, everyone, _ = await browser.get("/officer/calon")
    assert "4 orang terdaftar" in everyone and "Ani" in everyone
    _, unlicensed, _ = await browser.get("/officer/calon?recruiter=unlicensed")
    assert "Ditampilkan 2 dari 4 orang." in unlicensed
    assert "Ani" in unlicensed and "Siti Aminah" not in unlicensed
    _, stuck, _ = await browser.get("/officer/calon?stuck=Daftar+di+Disnakertrans")
    assert "Ditampilkan 1 dari 4 orang." in stuck and "Siti Aminah" in stuck
    _, pontang, _ = await browser.get("/officer/calon?kecamatan=pontang")
    assert "1 orang terdaftar" in pontang and "Ani" in pontang and "Siti" not in pontang


async def test_a_desa_officer_sees_only_their_desa(registered, client):
    await registered.add_account("kades", "desa:Cikande/Parigi")
    browser = client()
    await browser.sign_in("kades")
    _, page, _ = await browser.get("/officer/calon?kecamatan=Pontang")  # ignored for a desa
    assert "1 orang terdaftar" in page and "Siti" not in page and "Ani" not in page


async def test_the_export_names_only_for_personal_roles_and_only_with_consent(registered, client):
    await registered.add_account("siti", "kabupaten")
    await registered.add_account("camat", "kecamatan:Cikande")
    office = client()
    await office.sign_in("siti")
    status, text, headers = await office.get("/officer/calon.csv?kecamatan=Cikande")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert headers["Content-Disposition"].startswith('attachment; filename="calon-pmi-')
    assert headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["desa"] for row in rows} == {"Cikande Permai", "Parigi"}
    names = {row["name"] for row in rows}
    assert "Siti Aminah" in names and "Budi Santoso" not in names  # he did not allow it
    assert '\'=HYPERLINK("http://evil.example")' in names  # a formula stays text
    assert SITI not in text and BUDI not in text
    stuck = next(row for row in rows if row["name"] == "Siti Aminah")
    assert stuck["stuck"] == "1" and stuck["next_step"] == "Daftar di Disnakertrans"

    camat = client()
    await camat.sign_in("camat")
    status, _, headers = await camat.request("GET", "/officer/calon.xlsx")
    assert status == 200 and "spreadsheetml" in headers["Content-Type"]
    async with camat.session.get(
        camat.url + "/officer/calon.xlsx",
        headers={"Cookie": f"ma_session={camat.cookies['ma_session']}"},
    ) as response:
        rows, _ = xlsx_rows(await response.read())
    assert len(rows) == 3 and {row["desa"] for row in rows} == {"Cikande Permai", "Parigi"}
    assert all(row["name"] == "" for row in rows)  # no names for a kecamatan role
    database = sqlite3.connect(registered.runtime.store.path)
    details = [
        row[0]
        for row in database.execute(
            "SELECT detail FROM audit_log WHERE action = 'web_export_candidates' ORDER BY id"
        )
    ]
    assert details[0].startswith("csv: Cikande: 3 of 3") and details[0].endswith("names yes")
    assert details[-1].startswith("xlsx: Cikande: 3 of 3") and details[-1].endswith("names no")


async def test_the_statistics_count_registrations_by_desa_hiding_small_ones(desk, client):
    for number in range(6):
        await desk.register(f"70{number}")
    await desk.register("710", desa="Parigi")
    await desk.add_account("siti", "kabupaten")
    browser = client()
    await browser.sign_in("siti")
    _, page, _ = await browser.get("/officer/stats?days=30")
    start = page.index('id="chart-registrations_by_desa"')
    chart = page[start : page.index("</figure>", start)]
    assert "Cikande Permai (Cikande)" in chart and ">6<" in chart
    assert "Parigi" not in chart and "Desa lain (masing-masing &lt; 5)" in chart
    assert "Siti" not in chart
