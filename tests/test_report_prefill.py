"""A report started from a check carries the check's findings to the officers."""

from __future__ import annotations

from datetime import timedelta

from bot.messages import Inbound, InboundKind
from tests.conftest import NOW

OFFER_CHECK_DANGER = [
    "halo",
    "Cek tawaran kerja",
    "kamboja",
    "PT Contoh Sejahtra",
    "ya",
    "tidak",  # cash up front (offer_cash)
    "tidak",
    "tidak tahu",
    "ya",
    "tidak",
    "ya",
    "ya",
    "tidak",
]
REPORT = [
    "Laporkan",
    "Buat laporan",
    "Setuju, lanjut",
    "Kerja admin online",
    "Di tempat lain",
    "Tidak",
    "Tidak ada",
    "Tanpa nama",
    "Kirim laporan",
]


async def test_offer_check_findings_are_attached_to_the_report(officer_runtime):
    runtime = officer_runtime
    replies = []
    for index, text in enumerate(OFFER_CHECK_DANGER + REPORT):
        inbound = Inbound(
            "test",
            "family-1",
            InboundKind.TEXT,
            NOW + timedelta(seconds=index),
            text=text,
            update_id=str(index),
        )
        replies = await runtime.answer_directly(inbound)
    assert "SRG-2026-00001" in replies[-1].text
    report = await runtime.store.report("SRG-2026-00001")
    assert report.recruiter == "PT Contoh Sejahtra", "the checked name fills the question"
    assert report.offer.startswith("Kerja admin online")
    assert "cek tawaran: danger" in report.offer and "negara tujuan: Kamboja" in report.offer
