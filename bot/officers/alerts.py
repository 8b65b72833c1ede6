"""Officers' alerts: a warning (a new scam pattern, a fake company) to every subscriber or
to the subscribers of one kecamatan, after a preview and the officer's confirmation.

Channel-neutral: Telegram's `/alert <kecamatan|semua> <text>` and its confirm button call
`preview_alert` and `confirm_alert`; the web console calls `draft_alert` (its form has
the target and the text apart) and `confirm_alert`. The preview
says how many people will receive it; the draft waits in the store under a key, and the
confirmation queues one notice per subscriber (keyed by the draft, so pressing twice sends
nothing twice), with an audit line. Quiet hours and WhatsApp's window apply on delivery.

What subscribers read around the officer's words is content (`officer_alert` in
system.yaml, see `bot.notice_wording`); the officer's own texts here stay in code, like the
rest of the desk's. The officer's text may be as long as one screen leaves beside the frame.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.content import Content
from bot.effects import AlertDraft, AuditLine, Effect, SendNotices
from bot.engine.flows import Flows
from bot.messages import Option, Reply
from bot.notice_wording import NoticeWording
from bot.notices import Notice
from bot.officers.cards import PREFIX
from bot.records import Subscription
from bot.store import Store

EVERYONE = "semua"
MAX_TEXT = 500  # characters of an officer's alert, at most (less if the frame is long)
CONFIRM_MINUTES = 30  # a preview not confirmed by then must be made again
USAGE = (
    "Pakai: /alert <kecamatan|semua> <teks peringatan>\n"
    "Contoh: /alert Cikande Hati-hati: PT Contoh Jaya tidak berizin, jangan bayar apa pun."
)


@dataclass(frozen=True, slots=True)
class AlertPreview:
    """A drafted alert, for a door that lays out the preview itself: the draft's key, the
    target ("" for every subscriber), the officer's text and how many people receive it."""

    key: str
    target: str
    text: str
    recipients: int
    body: str  # the alert as a subscriber reading Indonesian receives it (markup: *bold*)


@dataclass(slots=True)
class AlertAnswer:
    """What the officer sees, and the effects to commit with their command; `preview` when
    a draft was made."""

    replies: list[Reply]
    effects: list[Effect] = field(default_factory=list)
    preview: AlertPreview | None = None


async def preview_alert(
    store: Store, content: Content, officer_id: int, argument: str, now: datetime
) -> AlertAnswer:
    """`<kecamatan|semua> <text>`: a preview with the number of recipients, and the
    buttons to send or cancel."""
    words = argument.split(maxsplit=1)
    if len(words) < 2:
        return AlertAnswer([Reply(USAGE)])
    found = _target(argument, content.data.kecamatan_names())
    if found is None:
        return AlertAnswer([Reply(f"Kecamatan '{words[0]}' tidak dikenal.\n{USAGE}")])
    target, text = found
    return await draft_alert(store, content.flows, officer_id, target, text, now)


async def draft_alert(
    store: Store,
    flows: Flows,
    officer_id: int,
    target: str,
    text: str,
    now: datetime,
    once: str = "",
) -> AlertAnswer:
    """The draft of an alert to `target` (a kecamatan as listed, "" for every subscriber)
    and its preview with the number of recipients. `once`, when given, makes the draft's
    key (a form sent twice makes one draft); else the key is new each time."""
    text = text.strip()
    if not text:
        return AlertAnswer([Reply(USAGE)])
    wording = NoticeWording.of(flows.system)
    limit = max_text(wording, flows.system.languages)
    if len(text) > limit:
        return AlertAnswer([Reply(f"Teks terlalu panjang ({len(text)}/{limit} karakter).")])
    body = wording.text("officer_alert", "id", text=text)
    count = len(await _recipients(store, target))
    where = f"Kecamatan {target}" if target else "semua pelanggan"
    key = hashlib.blake2b(f"{officer_id}\n{target}\n{text}\n{once or now}".encode(), digest_size=8)
    draft = key.hexdigest()
    preview = Reply(
        f"Pratinjau peringatan untuk {where}: {count} orang akan menerimanya.\n\n{body}",
        (
            Option(f"{PREFIX}:alert:{draft}", f"Kirim ke {count} orang"),
            Option(f"{PREFIX}:alertno:{draft}", "Batal"),
        ),
    )
    return AlertAnswer(
        [preview],
        [AlertDraft(draft, officer_id, target, text)],
        AlertPreview(draft, target, text, count, body),
    )


async def confirm_alert(
    store: Store, flows: Flows, officer_id: int, key: str, send: bool, now: datetime
) -> AlertAnswer:
    """The officer pressed send (`send`) or cancel on their preview `key`."""
    draft = await store.alert_draft(key)
    if draft is None or draft.officer_id != officer_id:
        return AlertAnswer(
            [Reply("Pratinjau ini sudah terkirim, dibatalkan, atau bukan milik Anda.")]
        )
    forget = AlertDraft(key, officer_id, draft.target, "")
    if not send:
        return AlertAnswer([Reply("Peringatan dibatalkan; tidak ada yang dikirim.")], [forget])
    if now - draft.created_at > timedelta(minutes=CONFIRM_MINUTES):
        return AlertAnswer(
            [Reply(f"Pratinjau lebih dari {CONFIRM_MINUTES} menit; kirim /alert lagi.")], [forget]
        )
    recipients = await _recipients(store, draft.target)
    wording = NoticeWording.of(flows.system)
    langs = {r.lang for r in recipients}  # worded once per language, not per recipient
    body = {lang: wording.text("officer_alert", lang, text=draft.text) for lang in langs}
    notices = tuple(
        Notice(r.channel, r.user, r.lang, "alert", body[r.lang], f"alert:{key}") for r in recipients
    )
    where = draft.target or EVERYONE
    audit = AuditLine(officer_id, "alert", "", f"{where}: {len(notices)} recipients")
    done = Reply(f"📣 Peringatan diantrekan untuk {len(notices)} orang ({where}).")
    return AlertAnswer([done], [SendNotices(notices), forget, audit])


def _target(argument: str, kecamatan: Sequence[str]) -> tuple[str, str] | None:
    """(target, text): the target "" for everyone, else the kecamatan's name as listed (a
    name may have two words); None if the argument names no kecamatan."""
    first, _, rest = argument.partition(" ")
    if first.casefold() in (EVERYONE, "all"):
        return "", rest.strip()
    folded = argument.casefold() + " "
    for name in sorted(kecamatan, key=len, reverse=True):
        if folded.startswith(name.casefold() + " "):
            return name, argument[len(name) :].strip()
    return None


async def _recipients(store: Store, target: str) -> list[Subscription]:
    """Who receives an alert: every subscriber, or those of the kecamatan."""
    return await store.subscribers("kecamatan" if target else "", [target] if target else [])


def max_text(wording: NoticeWording, languages: list[str]) -> int:
    """The longest officer's text whose warning fits one screen in every language."""
    frame = max(wording.frame("officer_alert", lang) for lang in languages)
    return min(MAX_TEXT, wording.screen_chars - frame)
