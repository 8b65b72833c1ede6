"""The officers' desk: buttons on report cards, queue commands, and relays to reporters.

Channel-neutral: a channel translates its updates into an `Officer` (who, in which chat)
and a call of `press_button` or `read_message` (the web console: `act_on_web`); the desk
reads what it needs and returns a `DeskAnswer`: replies for the officer's chat and the
effects of the action (changes with their audit line, prompts, messages to reporters),
which the runtime commits in one transaction with the answered update. Officer buttons
and commands from anyone but a registered officer, in the officers' chat or their own
private chat, are refused, and the refusal is audited too.
"""

from __future__ import annotations

import logging
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
from bot.engine.text import normalize
from bot.limits import Throttle
from bot.messages import Inbound, InboundKind, Reply
from bot.officers import alerts, commands, relay
from bot.officers.cards import OUTCOMES, PREFIX, STATUS, card, outcome_choices
from bot.officers.commands import COMMANDS
from bot.officers.relay import PROMPT_MINUTES, PROMPT_START, REFERENCE
from bot.records import DIGEST_AFTER, OUTBOX_URGENT, Envelope, ReportMessage, ReportRecord
from bot.services import Services

log = logging.getLogger(__name__)
REFUSED = "Maaf, ini hanya untuk petugas yang terdaftar."
REFUSALS_PER_MINUTE = 3  # answers (and audit lines) for a non-officer trying officer input
ENDING_KEYWORDS = frozenset(
    {"menu", "back", "stop", "end", "emergency", "delete", "help", "language"}
)
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
    update; `notice` is a short answer shown on the pressed button itself (a refusal);
    `alert` the preview of an alert drafted on the web console, which lays it out itself."""

    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    notice: str = ""
    handled: bool = True
    alert: alerts.AlertPreview | None = None


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
        """While an officer talks with this person about number `ref` (their report, or
        their registered plan), their messages go to the officer (kept in the thread, and
        sent to the officers' chat if there is one). A menu keyword ends the conversation
        and hands the message back to the dialog."""
        if inbound.kind != InboundKind.TEXT or not inbound.text.strip():
            return ReporterAnswer(None)
        if content.flows.keywords.get(normalize(inbound.text)) in ENDING_KEYWORDS:
            return ReporterAnswer(None, [CloseRelay(inbound.channel, inbound.user)])
        text = inbound.text.strip()
        envelopes = []
        chat = self.services.officer_chat_id
        person = await self.store.correspondent(ref)
        if chat is not None:
            body = relay.answer_text(person, ref, text)
            envelopes.append(Envelope(self.services.officer_channel, str(chat), body.to_dict()))
        lang = person.lang if person else content.flows.default_language
        answer = RelayToOfficers(ref, text, tuple(envelopes))
        return ReporterAnswer([Reply(content.flows.message("relay_sent", lang))], [answer])

    async def act_on_web(
        self, officer: Officer, action: str, ref: str, argument: str
    ) -> DeskAnswer:
        """An action of a signed-in officer on the web console, who may see report `ref`
        (the console checked both): "claim", "ask" (`argument`: the question for the
        reporter), "note" (the note) or "close" (the outcome), by the buttons' rules. For a
        registration's number, "ask" writes to the registered person (`write_to`)."""
        report = await self.store.report(ref)
        if report is None and action == "ask" and argument.strip():
            return await self.write_to(officer, ref, argument.strip())
        if report is None:
            return DeskAnswer(replies=[Reply(f"Laporan {ref} tidak ditemukan.")])
        now = datetime.now(UTC)
        if action == "claim":
            return self._claim(officer, report, now)
        if action == "close" and argument in OUTCOMES:
            return self._close(officer, report, argument, now)
        if action == "ask" and report.status == "closed":
            return DeskAnswer(replies=[Reply(f"{ref} sudah ditutup.")])
        if action in ("ask", "note") and argument.strip():
            return await self._answer_prompt(officer, action, ref, argument.strip(), now)
        return DeskAnswer(replies=[Reply(UNKNOWN_BUTTON)])

    async def alert_on_web(
        self, officer: Officer, target: str, text: str, form_id: str
    ) -> DeskAnswer:
        """An alert drafted on the web console to `target` (a kecamatan the console let this
        officer address, or "" for every subscriber): its preview. The form's one-time id
        makes the draft's key, so a form sent twice makes one draft."""
        now = datetime.now(UTC)
        drafted = await alerts.draft_alert(
            self.store, self.content().flows, officer.id, target, text, now, form_id
        )
        return DeskAnswer(drafted.replies, drafted.effects, alert=drafted.preview)

    async def confirm_alert(self, officer: Officer, key: str, send: bool) -> DeskAnswer:
        """Send (`send`) or cancel the alert this officer previewed under `key`, from either
        door: queued once, however often confirmed."""
        flows = self.content().flows
        sent = await alerts.confirm_alert(
            self.store, flows, officer.id, key, send, datetime.now(UTC)
        )
        return DeskAnswer(sent.replies, sent.effects)

    async def write_to(self, officer: Officer, ref: str, text: str) -> DeskAnswer:
        """An officer's message to the person behind `ref` (a reporter, or a registered
        person who allowed it) through the relay, from any channel; refused (and audited)
        when that person may not be written to."""
        replies, effects = await relay.send(
            self.store, self.content().flows, officer.id, ref, text, self._signature(officer)
        )
        return DeskAnswer(replies, effects)

    def _signature(self, officer: Officer) -> str:
        """The name a relayed message is signed with: the officer's, when the office chose
        to show it to reporters (`officers.show_name_to_reporters`), else none."""
        return officer.name if self.services.show_officer_name else ""

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
            return await self.confirm_alert(officer, ref, action == "alert")
        if action == "ask":  # a question to a reporter, or a message to a registered person
            return DeskAnswer(*await relay.prompt(self.store, officer.id, officer.chat_id, ref))
        if action == "end":
            return DeskAnswer(*await relay.end(self.store, officer.id, ref))
        report = await self.store.report(ref)
        if report is None:
            return DeskAnswer(replies=[Reply(f"Laporan {ref} tidak ditemukan.")])
        now = datetime.now(UTC)
        if action == "claim":
            return self._claim(officer, report, now)
        if action == "note":
            prompt = Reply(
                f"{PROMPT_START} dengan catatan {ref}, dalam {PROMPT_MINUTES} menit. "
                "Ketik /batal untuk batal.",
                expects="reply",
            )
            return DeskAnswer([prompt], [SetPrompt(officer.id, officer.chat_id, action, ref)])
        if action == "close":
            return DeskAnswer(replies=[outcome_choices(report)])
        if action == "out" and extra and extra[0] in OUTCOMES:
            return self._close(officer, report, extra[0], now)
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
        replies, effects = await commands.run(
            officer.id, officer.chat_id, command, argument, self.content(), self.services
        )
        return DeskAnswer(replies, effects)

    async def _answer_prompt(
        self, officer: Officer, action: str, ref: str, text: str, now: datetime
    ) -> DeskAnswer:
        if action != "note":
            return await self.write_to(officer, ref, text)
        report = await self.store.report(ref)
        if report is None:
            return DeskAnswer(replies=[Reply(f"Laporan {ref} tidak ditemukan.")])
        noted = replace(
            report,
            messages=[*report.messages, ReportMessage("note", str(officer.id), text, "")],
        )
        change = ChangeReport(ref, officer.id, "note", note=text)
        return DeskAnswer([Reply(f"📝 Catatan disimpan di {ref}."), card(noted)], [change])
