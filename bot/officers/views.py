"""What officers read at the desk: the open queue, a report's thread, the CSV export and
the statistics (a picture of the charts). Each view returns its replies and the audit line
it leaves; a file a reply sends (export, picture) is 0600 and deleted once sent."""

from __future__ import annotations

import asyncio
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.content import Content
from bot.effects import AuditLine
from bot.figures import Figures
from bot.messages import Option, Reply
from bot.officers.cards import PREFIX, STATUS, place
from bot.officers.chart_png import png_chart
from bot.officers.exports import export_csv
from bot.officers.statistics import officer_figures
from bot.records import Area, ReportRecord
from bot.store import Store

STATS_WEEKS = 8  # /stats: the figures of the last weeks
EXPORTS = "exports"  # under the media folder; a file is deleted once it has been sent
CAPTION_CHARS = 1000  # under Telegram's 1,024 characters of a photo's caption
TOP = 3  # of the kecamatan, questions and repeated contacts in the /stats caption


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
    data = export_csv(reports, personal=True)  # the desk's officers see reporters who agreed
    path = private_file(media_dir, f"laporan-{start:%Y%m%d}-{end:%Y%m%d}", ".csv", data)
    audit = AuditLine(
        officer_id, "export", "", f"{start:%Y-%m-%d}..{end:%Y-%m-%d} {len(reports)} rows"
    )
    period = f"{start:%d-%m-%Y} s.d. {end - timedelta(seconds=1):%d-%m-%Y}"
    return [Reply(f"Ekspor {len(reports)} laporan ({period}).", media=str(path))], audit


async def stats_view(store: Store, content: Content, media_dir: Path, now: datetime) -> list[Reply]:
    """The statistics of the last STATS_WEEKS weeks as one picture (the charts of the web
    console; no personal data, small areas "< 5"), with a short summary as its caption."""
    figures = await officer_figures(
        store, content, Area(), now - timedelta(weeks=STATS_WEEKS), now, "id"
    )
    picture = await asyncio.to_thread(png_chart, figures, "id")
    path = private_file(media_dir, f"statistik-{now:%Y%m%d}", ".png", picture)
    counts = await store.report_stats()
    caption = stats_caption(figures, sum(n for _, n in counts["questions"]), counts["repeated"])
    return [Reply(caption, media=str(path))]


def stats_caption(figures: Figures, questions: int, repeated: list[tuple[str, int]]) -> str:
    """A few lines that fit a photo's caption: totals, where most reports come from, the
    medians, the checks, the questions to officers (ever), the top unanswered questions,
    what several reported adverts share."""
    urgent = [week.urgent.value for week in figures.weekly]
    named = sorted(
        (c for c in figures.kecamatan if c.value is not None),
        key=lambda count: -(count.value or 0),
    )
    dangers = sorted(
        (v for v in figures.verdicts_by_country if v.danger.value and v.country),
        key=lambda found: -(found.danger.value or 0),
    )
    lines = [
        f"*Statistik {STATS_WEEKS} minggu* ({figures.since:%d-%m-%Y} s.d. "
        f"{figures.until:%d-%m-%Y})",
        f"Laporan: {figures.reports.shown} (mendesak: {sum(v or 0 for v in urgent)})",
        "Kecamatan terbanyak: "
        + (", ".join(f"{c.label} {c.shown}" for c in named[:TOP]) or "semua < 5"),
        f"Median diambil: {_hours(figures.time_to_claim.median_hours)}; "
        f"ditutup: {_hours(figures.time_to_close.median_hours)}",
        'Cek tawaran & iklan "bahaya" per negara: '
        + (", ".join(f"{v.country} {v.danger.shown}" for v in dangers[:TOP]) or "semua < 5"),
        f"Pertanyaan ke petugas: {questions}",
    ]
    if figures.unanswered:
        lines.append("*Pertanyaan belum terjawab*")
        lines += [f"  {q.shown}× {q.label}" for q in figures.unanswered[:TOP]]
    if repeated:
        lines.append("*Muncul di beberapa iklan yang dilaporkan*")
        lines += [f"  {label}: {count}" for label, count in repeated[:TOP]]
    caption = "\n".join(lines)
    return caption if len(caption) <= CAPTION_CHARS else caption[: CAPTION_CHARS - 1] + "…"


def private_file(media_dir: Path, name: str, suffix: str, data: bytes) -> Path:
    """`data` in a new file under the exports folder, readable by this user only (0600), for
    a reply that deletes it once sent."""
    folder = media_dir / EXPORTS
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{name}-{secrets.token_hex(4)}{suffix}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return path


def _hours(hours: float | None) -> str:
    if hours is None:
        return "< 5 laporan"
    return f"{hours:.1f} jam" if hours < 48 else f"{hours / 24:.1f} hari"
