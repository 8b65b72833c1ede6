"""Checking a job offer: scoring examples for each level, recruiter findings, report pre-fill."""

from __future__ import annotations

import pytest

from bot.actions import ActionContext
from bot.actions.offer import offer_verdict, recruiter_finding
from bot.content import Content
from tests.conftest import NOW, EngineChat

SAFE = {
    "offer_money": "no",
    "offer_cash": "no",
    "offer_passport": "no",
    "offer_visa": "no",
    "offer_route": "no",
    "offer_contract": "yes",
    "offer_job": "no",
    "offer_salary": "no",
    "offer_domestic": "no",
}
ARGS = {"country_from": "offer_country", "recruiter_from": "offer_recruiter"}


async def verdict(content: Content, lang: str = "id", **answers):
    context = ActionContext(lang, ARGS, {**SAFE, **answers}, content.data, NOW)
    return await offer_verdict(context)


# (answers that differ from a safe offer, expected level, rules that must fire)
EXAMPLES = [
    ({"offer_country": "TW", "offer_recruiter": "PT Contoh Sejahtera"}, "ok", ["recruiter_active"]),
    ({"offer_country": "JP", "offer_recruiter": "contoh bina karya"}, "ok", ["recruiter_active"]),
    ({"offer_country": "TW", "offer_recruiter": None}, "caution", ["recruiter_unnamed"]),
    (
        {"offer_country": "TW", "offer_recruiter": "PT Tidak Terdaftar"},
        "caution",
        ["recruiter_not_found"],
    ),
    (
        {"offer_country": "TW", "offer_recruiter": "Contoh Sejahtera Jaya"},
        "caution",
        ["recruiter_similar"],
    ),
    (
        {"offer_country": "HK", "offer_recruiter": "Contoh Sejahtera", "offer_salary": "yes"},
        "caution",
        ["salary"],
    ),
    (
        {"offer_country": "unknown", "offer_recruiter": "Contoh Sejahtera"},
        "caution",
        ["destination_unknown"],
    ),
    (
        {"offer_country": "PH", "offer_recruiter": "Contoh Sejahtera"},
        "caution",
        ["online_scam_country"],
    ),
    (
        {"offer_country": "SA", "offer_recruiter": "Contoh Sejahtera", "offer_domestic": "yes"},
        "caution",
        ["domestic_saudi"],
    ),
    (
        {"offer_country": "TW", "offer_recruiter": "Contoh Sejahtera", "offer_contract": "unknown"},
        "caution",
        ["contract"],
    ),
    (
        {"offer_country": "TW", "offer_recruiter": "Contoh Sejahtera", "offer_money": "yes"},
        "danger",
        ["money"],
    ),
    (
        {"offer_country": "TW", "offer_recruiter": "Contoh Sejahtera", "offer_cash": "yes"},
        "danger",
        ["cash_up_front"],
    ),
    (
        {"offer_country": "TW", "offer_recruiter": "Contoh Sejahtera", "offer_passport": "yes"},
        "danger",
        ["passport"],
    ),
    (
        {"offer_country": "MY", "offer_recruiter": "Contoh Sejahtera", "offer_visa": "yes"},
        "danger",
        ["visa"],
    ),
    (
        {"offer_country": "KH", "offer_recruiter": "Contoh Sejahtera"},
        "danger",
        ["no_placement_agreement"],
    ),
    (
        {"offer_country": "TH", "offer_recruiter": "Contoh Sejahtera", "offer_route": "yes"},
        "danger",
        ["route", "no_placement_agreement"],
    ),
    (
        {"offer_country": "other", "offer_recruiter": "Contoh Sejahtera", "offer_job": "yes"},
        "danger",
        ["scam_job"],
    ),
    (
        {"offer_country": "AE", "offer_recruiter": "Contoh Sejahtera", "offer_domestic": "yes"},
        "danger",
        ["domestic_moratorium"],
    ),
    (
        {"offer_country": "TW", "offer_recruiter": "PT Contoh Sejahtera Abadi"},
        "danger",
        ["recruiter_not_licensed"],
    ),
    (
        {"offer_country": "TW", "offer_recruiter": "SAMPEL-003"},
        "danger",
        ["recruiter_not_licensed"],
    ),
]


@pytest.mark.parametrize("answers,level,rules", EXAMPLES)
async def test_scoring_examples(shipped_content, answers, level, rules):
    result = await verdict(shipped_content, **answers)
    assert result.answers["offer_level"] == level
    assert set(rules) <= set(result.answers["offer_flags"]), result.answers["offer_flags"]


async def test_a_safe_offer_with_a_licensed_recruiter_looks_official_but_is_no_guarantee(
    shipped_content,
):
    result = await verdict(shipped_content, offer_country="TW", offer_recruiter="Contoh Sejahtera")
    text = "\n\n".join(result.texts)
    assert result.answers["offer_flags"] == ["recruiter_active"]
    assert "🟢 Belum terlihat tanda bahaya" in text and "bukan jaminan" in text
    assert "PT Contoh Sejahtera (SAMPEL) berizin aktif" in text
    assert "contoh data, bukan daftar resmi" in text, "sample data is always labelled"
    assert len(text) <= 600, "one phone screen"


async def test_the_worst_reasons_fit_one_screen_and_every_reason_is_one_tap_away(shipped_content):
    result = await verdict(
        shipped_content,
        offer_country="KH",
        offer_recruiter=None,
        offer_money="yes",
        offer_salary="yes",
    )
    text = "\n\n".join(result.texts)
    assert result.answers["offer_level"] == "danger"
    assert len(result.answers["offer_flags"]) == 4
    reasons = [line for line in text.splitlines() if line[:1] in ("🔴", "🟡", "✅")]
    assert [line[0] for line in reasons] == ["🔴", "🔴", "🟡"], "the worst three, worst first"
    assert "dan 1 alasan lain" in text and len(text) <= 600
    details = result.answers["offer_details"]
    all_reasons = [line for line in details.splitlines() if line[:1] in ("🔴", "🟡", "✅")]
    assert [line[0] for line in all_reasons] == ["🔴", "🔴", "🟡", "🟡"]
    assert "KP2MI menyebut Kamboja" in details
    assert "Sumber: UU 18/2017 Pasal 30; aspataki.com (Sep 2025)" in details
    assert "Diperiksa: 30-11-2026" in details
    assert "Daftar P3MI per" not in details, "no registry line when no recruiter was named"


async def test_the_verdict_is_in_the_users_language(shipped_content):
    result = await verdict(shipped_content, "en", offer_country="AE", offer_domestic="yes")
    text = "\n\n".join(result.texts)
    assert "🔴 Danger: do not go" in text and "United Arab Emirates" in text


@pytest.mark.parametrize(
    "name,finding,licence",
    [
        ("PT Contoh Sejahtera", "active", "SAMPEL-001"),
        ("PT Contoh Sejahtera Abadi", "revoked", "SAMPEL-002"),
        ("contoh sejahtera mandiri", "suspended", "SAMPEL-003"),
        ("Contoh Sejahtera Makmur", "similar", "SAMPEL-001"),
        ("PT Bukan Siapa Siapa", "not_found", None),
        ("", "none", None),
        (None, "none", None),
    ],
)
def test_recruiter_findings(shipped_content, name, finding, licence):
    found, agency = recruiter_finding(shipped_content.data.agencies, name)
    assert found == finding
    assert (agency.licence if agency else None) == licence


async def test_answers_stay_for_a_report_started_from_the_verdict(shipped_content, actions):
    chat = EngineChat(shipped_content, actions)
    await chat.say("halo")
    await chat.press("Cek tawaran kerja")
    await chat.say("Kamboja")
    await chat.say("PT Contoh Sejahtra")
    for answer in ["ya", "tidak", "ya", "tidak tahu", "tidak", "tidak", "ya", "ya", "tidak"]:
        await chat.say(answer)
    assert chat.node == "offer_result" and "🔴 Bahaya" in chat.text
    await chat.press("Laporkan")
    assert chat.node == "report"
    answers = chat.session.answers
    assert answers["offer_country"] == "KH" and answers["offer_recruiter"] == "PT Contoh Sejahtra"
    assert answers["offer_money"] == "yes" and answers["offer_visa"] == "unknown"
    assert answers["offer_level"] == "danger"
    assert {"money", "passport", "no_placement_agreement"} <= set(answers["offer_flags"])
    assert answers["offer_recruiter_status"] == "similar"
    assert answers["offer_recruiter_licence"] is None, "a similar name is not the agency"
