"""Hardening 7: an export is formula-safe, private on disk, and gone once it is sent."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.officers.desk import Officer
from bot.officers.exports import safe_cell
from tests.fakes.bot_api import message_update
from tests.test_reports import GROUP, OFFICER, env, say  # noqa: F401 (fixture)

FORMULA = "=cmd|' /C calc'!A0"


async def test_an_export_cannot_run_formulas_and_does_not_stay_on_disk(env):  # noqa: F811
    fake, runtime, _, tmp_path = env
    answers = ["/start", "Laporkan penipuan", "Buat laporan", "Setuju, lanjut"]
    await say(fake, 901, *answers, FORMULA, '=HYPERLINK("http://x.example","klik")')
    await say(fake, 901, "Di tempat lain", "Tidak", "Tidak ada", "Tanpa nama", "Kirim laporan")

    officer = Officer("telegram", OFFICER, "Petugas", -100)
    (reply,) = (await runtime.desk.read_message(officer, "/export")).replies  # not sent: stays
    path = Path(reply.media)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell.startswith("'" + FORMULA) for cell in cells), "kept, but as text"
    bad = [cell for cell in cells if cell and cell[0] in "=+-@"]
    assert not bad, bad

    fake.push(message_update(OFFICER, chat=GROUP, text="/export"))
    await fake.wait_for(lambda: any(c.method == "sendDocument" for c in fake.calls))
    exports = tmp_path / "media" / "exports"
    await fake.wait_for(lambda: list(exports.glob("*.csv")) == [path])
    assert list(exports.glob("*.csv")) == [path], "the one sent is gone; the unsent one stays"


def test_cells_that_start_a_formula_are_escaped():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+62812") == "'+62812"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("Kerja pabrik") == "Kerja pabrik"
    assert safe_cell(3) == 3
