"""What officers read at the desk: the open queue, a report's thread, the CSV export and
the statistics. Each view returns its replies and the audit line it leaves."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.effects import AuditLine
from bot.messages import Option, Reply
from bot.officers.cards import PREFIX, STATUS, place
from bot.records import ReportRecord
from bot.store import Store
from bot.understanding import Normaliser
from bot.understanding.unanswered import group_questions, top_lines

UNANSWERED_DAYS = 30  # /stats lists the top questions the bot could not answer in this time
UNANSWERED_READ = 2_000  # the most recent ones, so /stats stays quick however many there are
EXPORTS = "exports"  # under the media folder; a file is deleted once it has been sent
FORMULA_STARTS = frozenset("=+-@\t\r")
EXPORT_COLUMNS = (
    "ref",
    "kind",
    "created_at",
    "status",
    "outcome",
    "urgent",
    "anonymous",
    "place",
    "kecamatan",
    "country",
    "offer",
    "recruiter",
    "name",
    "phone",
    "channel",
    "claimed_by_name",
)


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with = + - @, a tab or a carriage
    return (a formula, "=HYPERLINK(...)") gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def queue_view(officer_id: int, reports: list[ReportRecord]) -> tuple[list[Reply], AuditLine]:
    """The open reports, urgent first, with a claim button for each new one."""
    audit = AuditLine(officer_id, "queue", "", f"{len(reports)} open")
    if not reports:
        return [Reply("Antrean kosong: tidak ada laporan terbuka.")], audit
    lines = [
        f"{'🚨' if r.urgent else '•'} {r.ref} · {STATUS.get(r.status, r.status)} · "
        f"{place(r)} · {r.created_at:%d-%m %H:%M}"
        for r in reports
    ]
    options = tuple(
        Option(f"{PREFIX}:claim:{r.ref}", f"✋ {r.ref}") for r in reports if r.status == "received"
    )[:10]
    text = "Laporan terbuka (mendesak dulu):\n" + "\n".join(lines) + "\n\nDetail: /report NOMOR"
    return [Reply(text, options)], audit


def thread_view(report: ReportRecord) -> list[Reply]:
    """The conversation with the reporter and the notes, oldest first (none: nothing)."""
    labels = {
        "to_reporter": "➡️ ke pelapor",
        "from_reporter": "⬅️ dari pelapor",
        "note": "📝 catatan",
    }
    if not report.messages:
        return []
    lines = [
        f"{labels.get(m.direction, m.direction)} ({m.created_at[:16]}): {m.text}"
        for m in report.messages
    ]
    return [Reply(f"Riwayat {report.ref}:\n" + "\n".join(lines))]


def export_period(argument: str, now: datetime) -> tuple[datetime, datetime] | None:
    """[start, end) of "/export [FROM [TO]]" (dates inclusive; none: the last 30 days)."""
    parts = argument.split()
    try:
        start = (
            datetime.fromisoformat(parts[0]).replace(tzinfo=UTC)
            if parts
            else now - timedelta(days=30)
        )
        end = (
            datetime.fromisoformat(parts[1]).replace(tzinfo=UTC) + timedelta(days=1)
            if len(parts) > 1
            else now
        )
    except ValueError:
        return None
    return start, end


def write_export(
    officer_id: int, reports: list[ReportRecord], start: datetime, end: datetime, media_dir: Path
) -> tuple[list[Reply], AuditLine]:
    """The reports as a CSV file (0600, deleted once sent), personal data only of reporters
    who gave it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for report in reports:
        personal = not report.anonymous  # personal data only for non-anonymous reports
        writer.writerow(
            safe_cell(cell)
            for cell in [
                report.ref,
                report.kind,
                report.created_at.isoformat(),
                report.status,
                report.outcome,
                int(report.urgent),
                int(report.anonymous),
                report.place,
                report.kecamatan,
                report.country,
                report.offer,
                report.recruiter,
                report.name if personal else "",
                report.phone if personal else "",
                report.channel if personal else "",
                report.claimed_by_name,
            ]
        )
    folder = media_dir / EXPORTS
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"laporan-{start:%Y%m%d}-{end:%Y%m%d}-{secrets.token_hex(4)}.csv"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:  # names and numbers: 0600
        file.write(buffer.getvalue())
    audit = AuditLine(
        officer_id, "export", "", f"{start:%Y-%m-%d}..{end:%Y-%m-%d} {len(reports)} rows"
    )
    period = f"{start:%d-%m-%Y} s.d. {end - timedelta(seconds=1):%d-%m-%Y}"
    return [Reply(f"Ekspor {len(reports)} laporan ({period}).", media=str(path))], audit


async def stats_view(store: Store, normaliser: Normaliser) -> list[Reply]:
    """Counts of reports (no personal data) and the top unanswered questions."""
    stats = await store.report_stats()
    sections = [
        ("Status", "status"),
        ("Tempat", "kecamatan"),
        ("Per minggu", "week"),
        ("Pertanyaan ke petugas", "questions"),
        ("Muncul di beberapa iklan yang dilaporkan", "repeated"),
    ]
    lines = []
    for title, key in sections:
        rows = stats[key]
        lines.append(f"*{title}*")
        lines += [f"  {label or '-'}: {count}" for label, count in rows] or ["  (kosong)"]
    since = datetime.now(UTC) - timedelta(days=UNANSWERED_DAYS)
    asked = await store.unanswered(since, limit=UNANSWERED_READ)
    groups = await asyncio.to_thread(group_questions, asked, normaliser)
    lines.append(f"*Pertanyaan yang belum terjawab bot ({UNANSWERED_DAYS} hari)*")
    lines += [f"  {line}" for line in top_lines(groups, 10)] or ["  (kosong)"]
    return [Reply("Statistik laporan\n" + "\n".join(lines))]
