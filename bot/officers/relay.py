"""Officers writing to a person through the bot: the reporter of a report or a question, or
a registered person who allowed officers to write (their number, like `CPMI-2026-00012`,
stands for them in `/calon`). One relay for both: the officer is asked for the message
(a prompt), the bot sends it on the person's own channel, and the person's next messages
go back to the officers until the conversation ends. An officer never sees the person's
account or number, and the person never sees the officer's name.

Channel-neutral: each function returns the replies for the officer and the effects to
commit with the officer's turn; `OfficerDesk` calls them for a button, a command, the
answer to a prompt or the web console. Every message, refusal and end is audited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.effects import AuditLine, CloseRelay, Effect, RelayToPerson, SetPrompt
from bot.engine.flows import Flows
from bot.engine.spec import MessageName
from bot.messages import Option, Reply
from bot.notices import REACHABLE_CHANNELS
from bot.officers.cards import PREFIX
from bot.records import Correspondent, Envelope, ReportMessage
from bot.store import Store

PROMPT_MINUTES = 15  # "reply with your question": an officer's prompt expires after this
PROMPT_START = "Balas (reply) pesan ini"  # how a prompt begins; in a group only a reply to it
REFERENCE = re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{5,}\b")  # a report's or registration's number
REGISTRATION = "registration"
MESSAGES: dict[str, MessageName] = {
    "report": "relay_question",
    "question": "relay_answer",
    REGISTRATION: "relay_plan",
}
"""The message the person reads, by what the number is."""

Answer = tuple[list[Reply], list[Effect]]
"""The replies for the officer, and the effects to commit with their turn."""


def who(person: Correspondent | None) -> str:
    """The person as officers call them: the reporter, or the registered future migrant."""
    return "calon PMI" if person is not None and person.kind == REGISTRATION else "pelapor"


async def prompt(store: Store, officer_id: int, chat_id: int, ref: str) -> Answer:
    """ "💬" pressed, or `/tanya NUMBER`: the thread so far, and a prompt for the message
    (its answer is sent by `send`); a person who may not be written to is refused at once."""
    person = await store.correspondent(ref)
    refused = _refusal(person, ref, officer_id)
    if person is None or refused:
        return refused or _unknown(ref, officer_id)
    what = "pesan untuk calon PMI" if person.kind == REGISTRATION else "pertanyaan untuk pelapor"
    asking = Reply(
        f"{PROMPT_START} dengan {what} {ref}, dalam {PROMPT_MINUTES} menit. "
        "Ketik /batal untuk batal.",
        expects="reply",
    )
    effects: list[Effect] = [SetPrompt(officer_id, chat_id, "ask", ref)]
    history = thread_view(ref, person.messages, who(person)) if person.kind == REGISTRATION else []
    if history:  # a report's thread is read with /report, audited there
        effects.append(AuditLine(officer_id, "view", ref))
    return [*history, asking], effects


async def send(
    store: Store, flows: Flows, officer_id: int, ref: str, text: str, signed_by: str = ""
) -> Answer:
    """An officer's message to the person behind `ref`, on their own channel, signed with
    `signed_by` when given; it opens the relay, so their next messages come back to the
    officers."""
    person = await store.correspondent(ref)
    refused = _refusal(person, ref, officer_id)
    if person is None or refused:
        return refused or _unknown(ref, officer_id)
    reachable = bool(person.user) and person.channel in REACHABLE_CHANNELS
    envelopes: tuple[Envelope, ...] = ()
    if reachable:
        relayed = text
        if signed_by:  # the office chose to show the officer's name
            relayed = flows.message("relay_signature", person.lang, text=text, officer=signed_by)
        body = Reply(flows.message(MESSAGES[person.kind], person.lang, ref=ref, text=relayed))
        envelopes = (Envelope(person.channel, person.user, body.to_dict(), relay_ref=ref),)
    effect = RelayToPerson(ref, officer_id, text, envelopes)
    if not person.user:
        reply = Reply(f"Pelapor {ref} sudah menghapus datanya; pesan disimpan di laporan.")
    elif not reachable:
        reply = Reply(
            f"Pelapor {ref} memakai web chat: ia akan melihat pesan ini saat "
            "memeriksa status laporannya."
        )
    else:
        reply = Reply(
            f"💬 Terkirim ke {who(person)} {ref}:\n«{text}»\nJawabannya akan muncul di sini.",
            (Option(f"{PREFIX}:end:{ref}", "Akhiri percakapan"),),
        )
    return [reply], [effect]


async def end(store: Store, officer_id: int, ref: str) -> Answer:
    """ "Akhiri percakapan": the person's next messages go to the dialog again."""
    person = await store.correspondent(ref)
    effects: list[Effect] = [AuditLine(officer_id, "end_conversation", ref)]
    if person is not None and person.user:
        effects.insert(0, CloseRelay(person.channel, person.user))
    return [Reply(f"Percakapan dengan {who(person)} {ref} diakhiri.")], effects


def answer_text(person: Correspondent | None, ref: str, text: str) -> Reply:
    """A person's answer as the officers' chat shows it, with the buttons to answer back
    and to end the conversation."""
    return Reply(
        f"💬 Jawaban {who(person)} {ref}:\n{text}",
        (
            Option(f"{PREFIX}:ask:{ref}", "💬 Balas"),
            Option(f"{PREFIX}:end:{ref}", "Akhiri percakapan"),
        ),
    )


def thread_view(ref: str, messages: Sequence[ReportMessage], person: str) -> list[Reply]:
    """The conversation with the person and the notes, oldest first (none: nothing)."""
    labels = {
        "to_reporter": f"➡️ ke {person}",
        "from_reporter": f"⬅️ dari {person}",
        "note": "📝 catatan",
    }
    if not messages:
        return []
    lines = [
        f"{labels.get(m.direction, m.direction)} ({m.created_at[:16]}): {m.text}" for m in messages
    ]
    return [Reply(f"Riwayat {ref}:\n" + "\n".join(lines))]


def _refusal(person: Correspondent | None, ref: str, officer_id: int) -> Answer | None:
    """Why a registered person may not be written to (None: they may). A reporter may
    always be asked (when their data is gone, the message stays with the report)."""
    if person is None or person.kind != REGISTRATION:
        return None
    if not person.user:
        why, reason = "datanya sudah dianonimkan (masa simpannya habis)", "anonymised"
    elif not person.contact:
        why, reason = "tidak mengizinkan petugas mengirim pesan", "no consent"
    elif person.channel not in REACHABLE_CHANNELS:
        why, reason = "mendaftar lewat web chat: pesan tidak bisa dikirim ke sana", "web chat"
    else:
        return None
    refusal = Reply(f"Tidak terkirim: calon PMI {ref} {why}.")
    return [refusal], [AuditLine(officer_id, "relay_refused", ref, reason)]


def _unknown(ref: str, officer_id: int) -> Answer:
    """A number nobody has: mistyped, or a registration its person deleted."""
    reply = Reply(f"{ref} tidak ditemukan: nomornya salah, atau datanya sudah dihapus.")
    return [reply], [AuditLine(officer_id, "relay_refused", ref, "unknown")]
