"""The officers' desk: buttons on report cards, queue commands, and relays to reporters.

Channel-neutral: a channel translates its updates into an `Officer` (who, in which chat)
and a call of `press_button` or `read_message`; the desk reads what it needs and returns a
`DeskAnswer`: replies for the officer's chat and the effects of the action (changes with
their audit line, prompts, messages to reporters), which the runtime commits in one
transaction with the answered update. Officer buttons and commands from anyone but a
registered officer, in the officers' chat or their own private chat, are refused, and the
refusal is audited too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from bot.content import Content
from bot.effects import (
    AuditLine,
    ChangeReport,
    ClearPrompt,
    CloseRelay,
    Effect,
    RelayToOfficers,
    SetPrompt,
)
from bot.engine.spec import MessageName
from bot.engine.text import normalize
from bot.limits import Throttle
from bot.messages import Inbound, InboundKind, Option, Reply
from bot.officers import alerts, candidates, views
from bot.officers.cards import OUTCOMES, PREFIX, STATUS, card, outcome_choices
from bot.records import DIGEST_AFTER, OUTBOX_URGENT, Envelope, ReportMessage, ReportRecord
from bot.services import Services

log = logging.getLogger(__name__)
PUSH_CHANNELS = frozenset({"telegram", "whatsapp"})  # channels that can receive a relayed question
COMMANDS = ("/queue", "/report", "/export", "/stats", "/batal", "/alert", "/calon")
REFUSED = "Maaf, ini hanya untuk petugas yang terdaftar."
REFUSALS_PER_MINUTE = 3  # answers (and audit lines) for a non-officer trying officer input
PROMPT_MINUTES = 15  # "reply with your question": an officer's prompt expires after this
PROMPT_START = "Balas (reply) pesan ini"  # how a prompt begins; in a group only a reply to it
REFERENCE = re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{5,}\b")  # a report number, whole
ENDING_KEYWORDS = frozenset({"menu", "back", "stop", "emergency", "delete", "help", "language"})
UNKNOWN_BUTTON = "Tombol ini tidak dikenal."


@dataclass(frozen=True, slots=True)
class Officer:
    """Who acts, on which channel, in which chat (their own private chat has their id)."""

    channel: str
    id: int
    name: str
    chat_id: int


@dataclass(slots=True)
class DeskAnswer:
    """What the desk made of an officer's input. `handled` False: not for the desk (the
    dialog answers it). `replies` go to the officer's chat; `effects` are committed with the
    update; `notice` is a short answer shown on the pressed button itself (a refusal)."""

    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    notice: str = ""
    handled: bool = True


@dataclass(slots=True)
class ReporterAnswer:
    """What happens to a reporter's message while an officer talks with them: `replies`
    None hands it to the dialog; `effects` are committed with the turn either way."""

    replies: list[Reply] | None
    effects: list[Effect] = field(default_factory=list)


class OfficerDesk:
    """Officer input from any channel, and the relay between officers and reporters."""

    def __init__(self, services: Services, content: Callable[[], Content]) -> None:
        self.services = services
        self.store = services.store
        self.content = content  # the current content (it changes on reload)
        self._refusals = Throttle(REFUSALS_PER_MINUTE, REFUSALS_PER_MINUTE)

    @staticmethod
    def is_officer_input(text: str) -> bool:
        """Whether a callback id or a command belongs to the desk rather than the dialog."""
        words = text.split(maxsplit=1)
        return text.startswith(f"{PREFIX}:") or bool(words and words[0].split("@")[0] in COMMANDS)

    def in_officers_chat(self, officer: Officer) -> bool:
        """The officers' chat is the desk's: nothing said there goes to the dialog."""
        services = self.services
        return officer.channel == services.officer_channel and (
            officer.chat_id == services.officer_chat_id
        )

    def _may_act(self, officer: Officer) -> bool:
        """A registered officer, in the officers' chat or in their own private chat."""
        services = self.services
        own_chat = officer.chat_id == officer.id
        return (
            officer.channel == services.officer_channel  # the ids are ids on that channel
            and officer.id in services.officer_ids
            and (own_chat or self.in_officers_chat(officer))
        )

    # ----- entry points -------------------------------------------------------------------

    async def press_button(self, officer: Officer, data: str) -> DeskAnswer:
        """A button on a card or a list: claim, ask, note, close, an outcome, or end a
        conversation. Not an officer button: not handled."""
        if not data.startswith(f"{PREFIX}:"):
            return DeskAnswer(handled=False)
        if not self._may_act(officer):
            return self._refuse(officer, data, on_button=True)
        return await self._button(officer, data)

    async def read_message(self, officer: Officer, text: str, replying_to: str = "") -> DeskAnswer:
        """A command or the answer to a prompt (`replying_to`: the text of the bot's message
        replied to). Anything else is the dialog's, except in the officers' chat."""
        if self._may_act(officer):
            answer = await self._typed(officer, text, replying_to) if text else None
            if answer is not None:
                return answer
        elif text and self.is_officer_input(text):
            return self._refuse(officer, text, on_button=False)
        return DeskAnswer(handled=self.in_officers_chat(officer))

    async def reporter_message(
        self, inbound: Inbound, content: Content, ref: str
    ) -> ReporterAnswer:
        """While an officer talks with this reporter about report `ref`, their messages go
        to the officer. A menu keyword ends the conversation and hands the message back to
        the dialog."""
        if inbound.kind != InboundKind.TEXT or not inbound.text.strip():
            return ReporterAnswer(None)
        if self.services.officer_chat_id is None:  # nobody to relay to: the dialog answers
            return ReporterAnswer(None, [CloseRelay(inbound.channel, inbound.user)])
        if content.flows.keywords.get(normalize(inbound.text)) in ENDING_KEYWORDS:
            return ReporterAnswer(None, [CloseRelay(inbound.channel, inbound.user)])
        text = inbound.text.strip()
        envelopes = []
        chat = self.services.officer_chat_id
        if chat is not None:
            body = Reply(
                f"💬 Jawaban pelapor {ref}:\n{text}",
                (
                    Option(f"{PREFIX}:ask:{ref}", "💬 Balas"),
                    Option(f"{PREFIX}:end:{ref}", "Akhiri percakapan"),
                ),
            )
            envelopes.append(Envelope(self.services.officer_channel, str(chat), body.to_dict()))
        report = await self.store.report(ref)
        lang = report.lang if report else content.flows.default_language
        relay = RelayToOfficers(ref, text, tuple(envelopes))
        return ReporterAnswer([Reply(content.flows.message("relay_sent", lang))], [relay])

    async def changed_meanwhile(self, ref: str) -> DeskAnswer:
        """The answer to an action on a report another officer changed in the same moment:
        how it stands now (nothing of the action was written)."""
        report = await self.store.report(ref)
        status = STATUS.get(report.status, report.status) if report else "-"
        return DeskAnswer(replies=[Reply(f"{ref} sudah {status}.")])

    async def remind_unclaimed_urgent(self, now: datetime) -> int:
        """Announce again urgent reports nobody claimed in time; returns how many."""
        if self.services.officer_chat_id is None:
            return 0
        channel, chat = self.services.officer_channel, str(self.services.officer_chat_id)
        if await self.store.officer_backlog(channel, chat) >= DIGEST_AFTER:
            return 0  # the officers' chat is flooded already: reminders would only add to it
        cutoff = now - timedelta(minutes=self.services.urgent_reannounce_minutes)
        reports = await self.store.unclaimed_urgent(cutoff)
        for report in reports:
            body = card(report)
            reminder = Reply(
                "⏰ Belum ada yang mengambil laporan mendesak ini!\n\n" + body.text, body.options
            )
            envelope = Envelope(
                channel, chat, reminder.to_dict(), priority=OUTBOX_URGENT, report_ref=report.ref
            )
            await self.store.reannounce(report.ref, now, [envelope])
        return len(reports)

    # ----- refusals -----------------------------------------------------------------------

    def _refuse(self, officer: Officer, what: str, on_button: bool) -> DeskAnswer:
        """Refuse a non-officer, and keep a record of it: a few times a minute at most, so
        a flood of commands cannot fill the audit log or the outbox."""
        if not self._refusals.allows(officer.id):
            return DeskAnswer()
        log.warning("officer action %r refused for user %s", what.split(":")[:2], officer.id)
        audit = AuditLine(officer.id, "refused", "", what[:60])
        if on_button:
            return DeskAnswer(effects=[audit], notice=REFUSED)
        return DeskAnswer(replies=[Reply(REFUSED)], effects=[audit])

    # ----- buttons ------------------------------------------------------------------------

    async def _button(self, officer: Officer, data: str) -> DeskAnswer:
        parts = data.split(":")
        if len(parts) < 3 or not parts[2]:
            return DeskAnswer(replies=[Reply(UNKNOWN_BUTTON)])
        _, action, ref, *extra = parts
        if action in ("alert", "alertno"):  # send or cancel an alert previewed by /alert
            sent = await alerts.confirm_alert(
                self.store,
                self.content().flows,
                officer.id,
                ref,
                action == "alert",
                datetime.now(UTC),
            )
            return DeskAnswer(sent.replies, sent.effects)
        report = await self.store.report(ref)
        if report is None:
            return DeskAnswer(replies=[Reply(f"Laporan {ref} tidak ditemukan.")])
        now = datetime.now(UTC)
        if action == "claim":
            return self._claim(officer, report, now)
        if action in ("ask", "note"):
            what = "pertanyaan untuk pelapor" if action == "ask" else "catatan"
            prompt = Reply(
                f"{PROMPT_START} dengan {what} {ref}, dalam {PROMPT_MINUTES} menit. "
                "Ketik /batal untuk batal.",
                expects="reply",
            )
            return DeskAnswer([prompt], [SetPrompt(officer.id, officer.chat_id, action, ref)])
        if action == "close":
            return DeskAnswer(replies=[outcome_choices(report)])
        if action == "out" and extra and extra[0] in OUTCOMES:
            return self._close(officer, report, extra[0], now)
        if action == "end":
            effects: list[Effect] = [AuditLine(officer.id, "end_conversation", ref)]
            if report.user:
                effects.insert(0, CloseRelay(report.channel, report.user))
            return DeskAnswer([Reply(f"Percakapan dengan pelapor {ref} diakhiri.")], effects)
        return DeskAnswer(replies=[Reply(UNKNOWN_BUTTON)])

    def _claim(self, officer: Officer, report: ReportRecord, now: datetime) -> DeskAnswer:
        ref = report.ref
        if report.status != "received":  # another officer was quicker
            return DeskAnswer(
                replies=[Reply(f"{ref} sudah {STATUS.get(report.status, report.status)}.")]
            )
        changes = {
            "status": "claimed",
            "claimed_by": officer.id,
            "claimed_by_name": officer.name,
            "claimed_at": now.isoformat(),
        }
        claimed = replace(
            report, status="claimed", claimed_by=officer.id, claimed_by_name=officer.name
        )
        change = ChangeReport(ref, officer.id, "claim", changes, expect_status="received")
        return DeskAnswer([Reply(f"✋ {officer.name} mengambil {ref}."), card(claimed)], [change])

    def _close(
        self, officer: Officer, report: ReportRecord, outcome: str, now: datetime
    ) -> DeskAnswer:
        ref = report.ref
        if report.status == "closed":
            return DeskAnswer(replies=[Reply(f"{ref} sudah ditutup.")])
        changes = {"status": "closed", "outcome": outcome, "closed_at": now.isoformat()}
        effects: list[Effect] = [
            ChangeReport(ref, officer.id, "close", changes, expect_status=report.status)
        ]
        if report.user:
            effects.append(CloseRelay(report.channel, report.user))
        closed = replace(report, status="closed", outcome=outcome)
        replies = [
            Reply(f"✅ {ref} ditutup oleh {officer.name}: {OUTCOMES[outcome]}."),
            card(closed),
        ]
        return DeskAnswer(replies, effects)

    # ----- typed input --------------------------------------------------------------------

    async def _typed(self, officer: Officer, text: str, replying_to: str) -> DeskAnswer | None:
        """A command, or the answer to a prompt; None if the text is not for the desk.

        In the officers' group only a reply to the bot's prompt answers it, so a remark to
        colleagues is never relayed to a reporter; a prompt expires after PROMPT_MINUTES."""
        command, _, rest = text.strip().partition(" ")
        command = command.split("@")[0].lower()
        if command in COMMANDS:
            return await self._command(officer, command, rest.strip())
        in_group = officer.chat_id != officer.id
        if in_group and not replying_to.startswith(PROMPT_START):
            return None  # not a reply to a prompt: a remark to colleagues is never relayed
        prompt = await self.store.officer_prompt(officer.id, officer.chat_id)
        if prompt is None:
            return None
        clear = ClearPrompt(officer.id, officer.chat_id)
        now = datetime.now(UTC)
        if prompt.created_at < now - timedelta(minutes=PROMPT_MINUTES):
            expired = Reply(
                f"⏱ Waktu membalas untuk {prompt.ref} sudah habis ({PROMPT_MINUTES} menit); "
                "pesan ini tidak dikirim. Tekan tombolnya lagi di kartu laporan."
            )
            return DeskAnswer([expired], [clear])
        if in_group and prompt.ref not in REFERENCE.findall(replying_to):
            return None  # a remark to colleagues, not the answer to the prompt
        answer = await self._answer_prompt(officer, prompt.action, prompt.ref, text.strip(), now)
        answer.effects.insert(0, clear)
        return answer

    async def _command(self, officer: Officer, command: str, argument: str) -> DeskAnswer:
        store = self.store
        if command == "/batal":
            prompt = await store.officer_prompt(officer.id, officer.chat_id)
            if prompt is None:
                return DeskAnswer(replies=[Reply("Tidak ada yang perlu dibatalkan.")])
            return DeskAnswer([Reply("Dibatalkan.")], [ClearPrompt(officer.id, officer.chat_id)])
        if command == "/alert":
            flows = self.content().flows
            draft = await alerts.preview_alert(
                store, flows, officer.id, argument, datetime.now(UTC)
            )
            return DeskAnswer(draft.replies, draft.effects)
        if command == "/calon":  # the people of an area who registered a plan
            replies, audit = candidates.calon(
                officer.id,
                argument,
                await store.registrations(),
                self.content().data,
                self.services,
            )
            return DeskAnswer(replies, [audit])
        if command == "/queue":
            replies, audit = views.queue_view(officer.id, await store.open_reports())
            return DeskAnswer(replies, [audit])
        if command == "/report":
            report = await store.report(argument.upper())
            if report is None:
                return DeskAnswer(replies=[Reply("Pakai: /report SRG-2026-00042")])
            replies = [card(report), *views.thread_view(report)]
            return DeskAnswer(replies, [AuditLine(officer.id, "view", report.ref)])
        if command == "/export":
            period = views.export_period(argument, datetime.now(UTC))
            if period is None:
                usage = "Pakai: /export 2026-01-01 2026-01-31 (tanpa tanggal: 30 hari terakhir)"
                return DeskAnswer(replies=[Reply(usage)])
            reports = await store.export_reports(*period)
            replies, audit = views.write_export(
                officer.id, reports, *period, self.services.media_dir
            )
            return DeskAnswer(replies, [audit])
        normaliser = self.content().flows.understanding.normaliser
        return DeskAnswer(replies=await views.stats_view(store, normaliser))

    async def _answer_prompt(
        self, officer: Officer, action: str, ref: str, text: str, now: datetime
    ) -> DeskAnswer:
        report = await self.store.report(ref)
        if report is None:
            return DeskAnswer(replies=[Reply(f"Laporan {ref} tidak ditemukan.")])
        if action == "note":
            noted = replace(
                report,
                messages=[*report.messages, ReportMessage("note", str(officer.id), text, "")],
            )
            change = ChangeReport(ref, officer.id, "note", note=text)
            return DeskAnswer([Reply(f"📝 Catatan disimpan di {ref}."), card(noted)], [change])
        reachable = bool(report.user) and report.channel in PUSH_CHANNELS
        envelopes: tuple[Envelope, ...] = ()
        if reachable:
            name: MessageName = "relay_answer" if report.kind == "question" else "relay_question"
            flows = self.content().flows
            body = Reply(flows.message(name, report.lang, ref=ref, text=text))
            envelopes = (Envelope(report.channel, report.user, body.to_dict(), relay_ref=ref),)
        change = ChangeReport(ref, officer.id, "to_reporter", note=text, envelopes=envelopes)
        if not report.user:
            reply = Reply(f"Pelapor {ref} sudah menghapus datanya; pesan disimpan di laporan.")
        elif not reachable:
            reply = Reply(
                f"Pelapor {ref} memakai web chat: ia akan melihat pesan ini saat "
                "memeriksa status laporannya."
            )
        else:
            reply = Reply(
                f"💬 Terkirim ke pelapor {ref}:\n«{text}»\nJawabannya akan muncul di sini.",
                (Option(f"{PREFIX}:end:{ref}", "Akhiri percakapan"),),
            )
        return DeskAnswer([reply], [change])
