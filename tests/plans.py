"""Registered plans in tests: a person registers on Telegram the way test users do, and the
P3MI registry changes a recruiter's licence status (as `import-agencies` would)."""

from __future__ import annotations

import dataclasses
from datetime import date

from bot.data.agencies import AgencyRegistry
from bot.runtime import Runtime
from tests.people import TelegramPerson

REGISTRATION = [
    "halo",
    "Rencana ke luar negeri",
    "Setuju, lanjut",
    "Saya sendiri",
    "Siti",
    "kec cikande",
    "cikande permai",
    "Taiwan",
    "Perawat lansia",
    "Perusahaan (PT)",
    "SAMPEL-001",
]


async def register(person: TelegramPerson, officers: str = "Boleh keduanya") -> str:
    """Register Siti's plan (Taiwan, a licensed company); the bot's last answer."""
    for words in REGISTRATION:
        await person.says(words)
    for words in ("Pilih", "Lanjut", "Dalam 3 bulan", officers):
        if words == "Pilih":  # the licence number names one company: pick it
            reply = person.api.sent(person.user)[-1]
            words = reply["reply_markup"]["inline_keyboard"][0][0]["text"]
        await person.says(words)
    return await person.says("Simpan")


def set_recruiter_status(runtime: Runtime, licence: str, status: str, since: date) -> None:
    """The registry now says this licence is `status` since `since`."""
    data = runtime.content.data
    agencies = [
        dataclasses.replace(agency, status=status, status_date=since)
        if agency.licence == licence
        else agency
        for agency in data.agencies.agencies
    ]
    registry = AgencyRegistry(agencies, data.agencies.source, data.agencies.as_of, sample=True)
    changed = dataclasses.replace(data, agencies=registry)
    runtime.content = dataclasses.replace(runtime.content, data=changed)
