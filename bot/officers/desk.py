"""The officers' desk: buttons on report cards, queue commands, and relays to reporters.

Every officer action is checked against the officer list, done in one
transaction with its audit line, and answered in the chat it came from.
Everyone else is refused, and the refusal is audited too.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.content import Content
from bot.engine.text import normalize
from bot.limits import Throttle
from bot.messages import Inbound, InboundKind, Option, Reply
from bot.officers.cards import OUTCOMES, PREFIX, STATUS, card, outcome_choices, place
from bot.records import DIGEST_AFTER, OUTBOX_URGENT, Envelope, ReportRecord
from bot.services import Services
from bot.understanding.unanswered import group_questions, top_lines

log = logging.getLogger(__name__)
OFFICER_CHANNEL = "telegram"
PUSH_CHANNELS = frozenset({"telegram", "whatsapp"})  # channels that can receive a relayed question
COMMANDS = ("/queue", "/report", "/export", "/stats", "/batal")
REFUSED = "Maaf, ini hanya untuk petugas yang terdaftar."
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
REFUSALS_PER_MINUTE = 3  # answers (and audit lines) for a non-officer trying officer input
PROMPT_MINUTES = 15  # "reply with your question": an officer's prompt expires after this
PROMPT_START = "Balas (reply) pesan ini"  # how a prompt begins; in a group only a reply to it
REFERENCE = re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{5,}\b")  # a report number, whole
UNANSWERED_DAYS = 30  # /stats lists the top questions the bot could not answer in this time
UNANSWERED_READ = 2_000  # the most recent ones, so /stats stays quick however many there are
EXPORTS = "exports"  # under the media folder; a file is deleted once it has been sent
FORMULA_STARTS = frozenset("=+-@\t\r")
ENDING_KEYWORDS = frozenset({"menu", "back", "stop", "emergency", "delete", "help", "language"})


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with = + - @, a tab or a carriage
    return (a formula, "=HYPERLINK(...)") gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


@dataclass(frozen=True, slots=True)
class Officer:
    """Who pressed or typed: their Telegram user id and display name, and the chat."""

    id: int
    name: str
    chat_id: int


class OfficerDesk:
    """Handles officer input from Telegram and relays between officers and reporters."""

    def __init__(self, services: Services, content: Callable[[], Content]) -> None:
        self.services = services
        self.store = services.store
        self.content = content  # the current content (it changes on reload)
        self._refusals = Throttle(REFUSALS_PER_MINUTE, REFUSALS_PER_MINUTE)

    def is_officer(self, user_id: int) -> bool:
        return user_id in self.services.officer_ids

    @staticmethod
    def is_officer_input(text: str) -> bool:
        """Whether a callback id or a command belongs to the desk rather than the dialog."""
        words = text.split(maxsplit=1)
        return text.startswith(f"{PREFIX}:") or bool(words and words[0].split("@")[0] in COMMANDS)

    async def refuse(self, user_id: int, what: str) -> list[Reply]:
        """Refuse a non-officer, and keep a record of it: a few times a minute at most, so
        a flood of commands cannot fill the audit log or the outbox."""
        now = datetime.now(UTC)
        if not self._refusals.allows(user_id):
            return []
        log.warning("officer action %r refused for Telegram user %s", what.split(":")[:2], user_id)
        await self.store.audit(user_id, "refused", "", what[:60], now)
        return [Reply(REFUSED)]

    # ----- buttons ------------------------------------------------------------------------

    async def press(self, officer: Officer, data: str) -> list[Reply]:
        """A button on a card: claim, ask, note, close, an outcome, or end a conversation."""
        parts = data.split(":")
        if len(parts) < 3 or not parts[2]:
            return [Reply("Tombol ini tidak dikenal.")]
        _, action, ref, *extra = parts
        now = datetime.now(UTC)
        report = await self.store.report(ref)
        if report is None:
            return [Reply(f"Laporan {ref} tidak ditemukan.")]
        if action == "claim":
            if report.status != "received":
                return [Reply(f"{ref} sudah {STATUS.get(report.status, report.status)}.")]
            updated = await self.store.officer_update(
                ref,
                officer.id,
                "claim",
                now,
                changes={
                    "status": "claimed",
                    "claimed_by": officer.id,
                    "claimed_by_name": officer.name,
                    "claimed_at": now.isoformat(),
                },
                from_status="received",
            )
            if updated.claimed_by != officer.id:  # another officer was quicker
                return [Reply(f"{ref} sudah {STATUS.get(updated.status, updated.status)}.")]
            return [Reply(f"✋ {officer.name} mengambil {ref}."), card(updated)]
        if action in ("ask", "note"):
            await self.store.set_officer_prompt(officer.id, officer.chat_id, action, ref, now)
            what = "pertanyaan untuk pelapor" if action == "ask" else "catatan"
            return [
                Reply(
                    f"{PROMPT_START} dengan {what} {ref}, dalam {PROMPT_MINUTES} menit. "
                    "Ketik /batal untuk batal.",
                    expects="reply",
                )
            ]
        if action == "close":
            return [outcome_choices(report)]
        if action == "out" and extra and extra[0] in OUTCOMES:
            if report.status == "closed":
                return [Reply(f"{ref} sudah ditutup.")]
            updated = await self.store.officer_update(
                ref,
                officer.id,
                "close",
                now,
                changes={"status": "closed", "outcome": extra[0], "closed_at": now.isoformat()},
                from_status=report.status,
            )
            if updated.status != "closed" or updated.outcome != extra[0]:  # changed meanwhile
                return [Reply(f"{ref} sudah {STATUS.get(updated.status, updated.status)}.")]
            if report.user:
                await self.store.close_relay(report.channel, report.user)
            return [
                Reply(f"✅ {ref} ditutup oleh {officer.name}: {OUTCOMES[extra[0]]}."),
                card(updated),
            ]
        if action == "end":
            if report.user:
                await self.store.close_relay(report.channel, report.user)
            await self.store.audit(officer.id, "end_conversation", ref, "", now)
            return [Reply(f"Percakapan dengan pelapor {ref} diakhiri.")]
        return [Reply("Tombol ini tidak dikenal.")]

    # ----- typed input --------------------------------------------------------------------

    async def type(self, officer: Officer, text: str, replying_to: str = "") -> list[Reply] | None:
        """A command, or the answer to a prompt; None if the text is not for the desk.

        In the officers' group only a reply to the bot's prompt answers it (`replying_to`:
        the text of the message replied to), so a remark to colleagues is never relayed to
        a reporter; a prompt expires after PROMPT_MINUTES."""
        command, _, rest = text.strip().partition(" ")
        command = command.split("@")[0].lower()
        if command == "/batal":
            taken = await self.store.take_officer_prompt(officer.id, officer.chat_id)
            return [Reply("Dibatalkan." if taken else "Tidak ada yang perlu dibatalkan.")]
        if command == "/queue":
            return await self._queue(officer)
        if command == "/report":
            report = await self.store.report(rest.strip().upper())
            if report is None:
                return [Reply("Pakai: /report SRG-2026-00042")]
            await self.store.audit(officer.id, "view", report.ref, "", datetime.now(UTC))
            return [card(report), *self._thread(report)]
        if command == "/export":
            return await self._export(officer, rest)
        if command == "/stats":
            return await self._stats()
        in_group = officer.chat_id != officer.id
        if in_group and not replying_to.startswith(PROMPT_START):
            return None  # not a reply to a prompt: a remark to colleagues is never relayed
        refs = " ".join(REFERENCE.findall(replying_to)) if in_group else None
        prompt = await self.store.take_officer_prompt(
            officer.id,
            officer.chat_id,
            since=datetime.now(UTC) - timedelta(minutes=PROMPT_MINUTES),
            ref_in=refs,
        )
        if prompt is None:
            return None
        action, ref = prompt
        if action == "expired":
            return [
                Reply(
                    f"⏱ Waktu membalas untuk {ref} sudah habis ({PROMPT_MINUTES} menit); pesan "
                    "ini tidak dikirim. Tekan tombolnya lagi di kartu laporan."
                )
            ]
        return await self._answer_prompt(officer, action, ref, text.strip())

    async def _answer_prompt(
        self, officer: Officer, action: str, ref: str, text: str
    ) -> list[Reply]:
        now = datetime.now(UTC)
        if action == "note":
            updated = await self.store.officer_update(ref, officer.id, "note", now, note=text)
            return [Reply(f"📝 Catatan disimpan di {ref}."), card(updated)]
        report = await self.store.report(ref)
        if report is None:
            return [Reply(f"Laporan {ref} tidak ditemukan.")]
        reachable = report.user and report.channel in PUSH_CHANNELS

        def to_reporter(record: ReportRecord) -> list[Envelope]:
            if not reachable:
                return []
            flows = self.content().flows
            name = "relay_answer" if record.kind == "question" else "relay_question"
            body = Reply(flows.message(name, record.lang, ref=ref, text=text))
            return [Envelope(record.channel, record.user, body.to_dict(), relay_ref=ref)]

        await self.store.officer_update(
            ref, officer.id, "to_reporter", now, note=text, envelopes=to_reporter
        )
        if not report.user:
            return [Reply(f"Pelapor {ref} sudah menghapus datanya; pesan disimpan di laporan.")]
        if not reachable:
            return [
                Reply(
                    f"Pelapor {ref} memakai web chat: ia akan melihat pesan ini saat "
                    "memeriksa status laporannya."
                )
            ]
        return [
            Reply(
                f"💬 Terkirim ke pelapor {ref}:\n«{text}»\nJawabannya akan muncul di sini.",
                (Option(f"{PREFIX}:end:{ref}", "Akhiri percakapan"),),
            )
        ]

    # ----- reporter side of a relay -------------------------------------------------------

    async def intercept(self, inbound: Inbound, content: Content, ref: str) -> list[Reply] | None:
        """While an officer talks with this reporter about report `ref`, their messages go
        to the officer.

        A menu keyword ends the conversation and hands the message back to the dialog.
        """
        if inbound.kind != InboundKind.TEXT or not inbound.text.strip():
            return None
        if content.flows.keywords.get(normalize(inbound.text)) in ENDING_KEYWORDS:
            await self.store.close_relay(inbound.channel, inbound.user)
            return None
        envelopes = []
        if self.services.officer_chat_id is not None:
            body = Reply(
                f"💬 Jawaban pelapor {ref}:\n{inbound.text.strip()}",
                (
                    Option(f"{PREFIX}:ask:{ref}", "💬 Balas"),
                    Option(f"{PREFIX}:end:{ref}", "Akhiri percakapan"),
                ),
            )
            envelopes.append(
                Envelope(OFFICER_CHANNEL, str(self.services.officer_chat_id), body.to_dict())
            )
        await self.store.relay_from_reporter(
            inbound.channel,
            inbound.user,
            ref,
            inbound.text.strip(),
            inbound.time,
            envelopes,
            inbound.update_id,
        )
        session_lang = await self._reporter_lang(ref, content)
        return [Reply(content.flows.message("relay_sent", session_lang))]

    async def _reporter_lang(self, ref: str, content: Content) -> str:
        report = await self.store.report(ref)
        return report.lang if report else content.flows.default_language

    # ----- queue views --------------------------------------------------------------------

    async def _queue(self, officer: Officer) -> list[Reply]:
        reports = await self.store.open_reports()
        await self.store.audit(officer.id, "queue", "", f"{len(reports)} open", datetime.now(UTC))
        if not reports:
            return [Reply("Antrean kosong: tidak ada laporan terbuka.")]
        lines = [
            f"{'🚨' if r.urgent else '•'} {r.ref} · {STATUS.get(r.status, r.status)} · "
            f"{place(r)} · {r.created_at:%d-%m %H:%M}"
            for r in reports
        ]
        options = tuple(
            Option(f"{PREFIX}:claim:{r.ref}", f"✋ {r.ref}")
            for r in reports
            if r.status == "received"
        )[:10]
        return [
            Reply(
                "Laporan terbuka (mendesak dulu):\n"
                + "\n".join(lines)
                + "\n\nDetail: /report NOMOR",
                options,
            )
        ]

    def _thread(self, report: ReportRecord) -> list[Reply]:
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

    async def _export(self, officer: Officer, period: str) -> list[Reply]:
        parts = period.split()
        try:
            start = (
                datetime.fromisoformat(parts[0]).replace(tzinfo=UTC)
                if parts
                else datetime.now(UTC) - timedelta(days=30)
            )
            end = (
                datetime.fromisoformat(parts[1]).replace(tzinfo=UTC)
                if len(parts) > 1
                else datetime.now(UTC)
            ) + timedelta(days=1 if len(parts) > 1 else 0)
        except ValueError:
            return [Reply("Pakai: /export 2026-01-01 2026-01-31 (tanpa tanggal: 30 hari terakhir)")]
        reports = await self.store.export_reports(start, end)
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
        folder = self.services.media_dir / EXPORTS
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / f"laporan-{start:%Y%m%d}-{end:%Y%m%d}-{secrets.token_hex(4)}.csv"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:  # names and numbers: 0600
            file.write(buffer.getvalue())
        await self.store.audit(
            officer.id,
            "export",
            "",
            f"{start:%Y-%m-%d}..{end:%Y-%m-%d} {len(reports)} rows",
            datetime.now(UTC),
        )
        return [
            Reply(
                f"Ekspor {len(reports)} laporan ({start:%d-%m-%Y} s.d. "
                f"{end - timedelta(seconds=1):%d-%m-%Y}).",
                media=str(path),
            )
        ]

    async def _stats(self) -> list[Reply]:
        stats = await self.store.report_stats()
        sections = [
            ("Status", "status"),
            ("Tempat", "kecamatan"),
            ("Per minggu", "week"),
            ("Pertanyaan ke petugas", "questions"),
        ]
        lines = []
        for title, key in sections:
            rows = stats[key]
            lines.append(f"*{title}*")
            lines += [f"  {label or '-'}: {count}" for label, count in rows] or ["  (kosong)"]
        since = datetime.now(UTC) - timedelta(days=UNANSWERED_DAYS)
        asked = await self.store.unanswered(since, limit=UNANSWERED_READ)
        normaliser = self.content().flows.understanding.normaliser
        groups = await asyncio.to_thread(group_questions, asked, normaliser)
        lines.append(f"*Pertanyaan yang belum terjawab bot ({UNANSWERED_DAYS} hari)*")
        lines += [f"  {line}" for line in top_lines(groups, 10)] or ["  (kosong)"]
        return [Reply("Statistik laporan\n" + "\n".join(lines))]

    # ----- urgent reminders and retention -------------------------------------------------

    async def reannounce_urgent(self, now: datetime) -> int:
        """Announce again urgent reports nobody claimed in time; returns how many."""
        if self.services.officer_chat_id is None:
            return 0
        chat = str(self.services.officer_chat_id)
        if await self.store.officer_backlog(OFFICER_CHANNEL, chat) >= DIGEST_AFTER:
            return 0  # the officers' chat is flooded already: reminders would only add to it
        cutoff = now - timedelta(minutes=self.services.urgent_reannounce_minutes)
        reports = await self.store.unclaimed_urgent(cutoff)
        for report in reports:
            body = card(report)
            reminder = Reply(
                "⏰ Belum ada yang mengambil laporan mendesak ini!\n\n" + body.text, body.options
            )
            await self.store.reannounce(
                report.ref,
                now,
                [
                    Envelope(
                        OFFICER_CHANNEL,
                        chat,
                        reminder.to_dict(),
                        priority=OUTBOX_URGENT,
                        report_ref=report.ref,
                    )
                ],
            )
        return len(reports)
