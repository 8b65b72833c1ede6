"""How a report looks to officers: the card with its buttons, and the outcome choices.

A card never shows an anonymous reporter's name, phone, account or channel user id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.effects import REPORT_NUMBER
from bot.messages import Option, Reply
from bot.records import ReportRecord

OUTCOMES = {
    "police": "Dirujuk ke polisi",
    "disnaker": "Dirujuk ke Disnaker",
    "false_alarm": "Bukan masalah",
    "duplicate": "Duplikat",
    "resolved": "Selesai",
}
STATUS = {"received": "🆕 baru", "claimed": "🔧 ditangani", "closed": "✅ ditutup"}
PREFIX = "o"  # callback ids of officer buttons start with "o:"; the engine's never do
EXCERPT = 500
DIGEST_TEXT = (
    "📥 {count} laporan baru lagi masuk bersamaan dan tidak ditampilkan satu per satu. "
    "Ketik /queue untuk melihat daftarnya (mendesak paling atas)."
)
URGENT_DIGEST_TEXT = (
    "🚨 {count} laporan MENDESAK lagi masuk bersamaan dan tidak ditampilkan satu per satu. "
    "Ketik /queue untuk melihatnya."
)


def new_report(fields: dict[str, Any], photos: list[str], now: datetime) -> ReportRecord:
    """A report as it will be filed, before it has a number: its number reads
    `REPORT_NUMBER`, which the turn's commit replaces (see `bot.effects`)."""
    return ReportRecord(
        id=0,
        ref=REPORT_NUMBER,
        channel=fields["channel"],
        user=fields["user"],
        anonymous=bool(fields["anonymous"]),
        urgent=bool(fields["urgent"]),
        status="received",
        outcome="",
        offer=fields["offer"],
        recruiter=fields["recruiter"],
        place=fields["place"],
        kecamatan=fields["kecamatan"],
        country=fields["country"],
        name=fields["name"],
        phone=fields["phone"],
        lang=fields["lang"],
        created_at=now,
        claimed_by=None,
        claimed_by_name="",
        photos=list(photos),
        messages=[],
        kind=fields.get("kind", "report"),
        desa=fields.get("desa", ""),
    )


def option(action: str, ref: str, label: str, extra: str = "") -> Option:
    """An officer button: `o:<action>:<ref>[:<extra>]` (well under Telegram's 64 bytes)."""
    return Option(":".join(part for part in (PREFIX, action, ref, extra) if part), label)


def place(report: ReportRecord) -> str:
    if report.kecamatan:
        desa = f"Ds. {report.desa}, " if report.desa else ""
        return f"{desa}Kec. {report.kecamatan}"
    if report.country:
        return f"luar negeri: {report.country}"
    return {"abroad": "luar negeri", "elsewhere": "di luar Kab. Serang"}.get(report.place, "-")


def reporter(report: ReportRecord) -> str:
    if report.anonymous:
        return "anonim (hanya bisa dihubungi lewat bot)"
    if not report.name and not report.phone and not report.user:
        return "data pribadi sudah dihapus"
    contact = ", ".join(part for part in (report.name, report.phone) if part)
    return f"{contact or 'tanpa nama'} (via {report.channel})"


def card_text(report: ReportRecord) -> str:
    """The report as officers read it."""
    if report.urgent:
        head = f"🚨 *MENDESAK* — {report.ref}"
    elif report.kind == "question":
        head = f"❓ Pertanyaan {report.ref} (bot belum bisa menjawab)"
    else:
        head = f"📄 Laporan {report.ref}"
    status = STATUS.get(report.status, report.status)
    if report.status == "claimed" and report.claimed_by_name:
        status += f" oleh {report.claimed_by_name}"
    if report.status == "closed" and report.outcome:
        status += f": {OUTCOMES.get(report.outcome, report.outcome)}"
    lines = [
        head,
        f"Status: {status}",
        f"Masuk: {report.created_at:%d-%m-%Y %H:%M} UTC",
    ]
    if report.kind == "question":
        lines += [f"Pertanyaan: {_excerpt(report.offer)}", f"Penanya: {reporter(report)}"]
    else:
        lines += [
            f"Tempat: {place(report)}",
            f"Tawaran: {_excerpt(report.offer)}",
            f"Perekrut: {_excerpt(report.recruiter)}",
            f"Foto: {len(report.photos)}",
            f"Pelapor: {reporter(report)}",
        ]
    thread = [message for message in report.messages if message.direction != "note"]
    if thread:
        lines.append(f"Percakapan: {len(thread)} pesan")
    notes = [message for message in report.messages if message.direction == "note"]
    lines += [f"📝 {note.text}" for note in notes[-3:]]
    return "\n".join(lines)


def card(report: ReportRecord) -> Reply:
    """The card with the buttons that fit the report's status."""
    ref = report.ref
    if report.status == "closed":
        options: tuple[Option, ...] = (option("note", ref, "📝 Catatan"),)
    else:
        options = (
            *((option("claim", ref, "✋ Ambil"),) if report.status == "received" else ()),
            option("ask", ref, "💬 Tanya pelapor"),
            option("note", ref, "📝 Catatan"),
            option("close", ref, "✅ Tutup"),
        )
    return Reply(card_text(report), options)


def outcome_choices(report: ReportRecord) -> Reply:
    """The outcomes an officer closes a report with."""
    options = tuple(option("out", report.ref, label, code) for code, label in OUTCOMES.items())
    return Reply(f"Tutup {report.ref} dengan hasil:", options)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
