"""Actions of the report flow: summarise the answers, file the report, show a report's status.

Filing returns the report, its photos and the officers' notifications as one effect,
written in the turn's transaction before the user is told anything; the reference
number the user gets (REPORT_NUMBER in the texts until then) is the one stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from bot.actions import ActionContext, ActionResult, action, wording_needs
from bot.effects import REPORT_NUMBER, FileReport
from bot.engine.navigation import CARRIED
from bot.engine.spec import MessageName
from bot.officers.cards import DIGEST_TEXT, URGENT_DIGEST_TEXT, card, new_report
from bot.records import Envelope, ReportRecord
from bot.services import Services

log = logging.getLogger(__name__)
KINDS = ("report", "question")
ADVERT_IN_REPORT = 1500  # characters of a checked advert carried into the report
STATUS_MESSAGES: dict[str, MessageName] = {  # a report's status, as its reporter reads it
    "received": "status_received",
    "claimed": "status_claimed",
    "closed": "status_closed",
}
WORDING = wording_needs(__name__, "yes", "no", "none", "anonymous", "abroad", "elsewhere")
"""The words of the report's summary: yes and no, the place, an anonymous reporter."""


def _place(answers: dict[str, Any], words: dict[str, str]) -> str:
    if answers.get("kecamatan"):
        desa = f"Ds. {answers['desa']}, " if answers.get("desa") else ""
        return f"{desa}Kec. {answers['kecamatan']}"
    if answers.get("where") == "abroad":
        return f"{words['abroad']}: {answers.get('country') or '-'}"
    return words.get(str(answers.get("where")), words["none"])


def _named(answers: dict[str, Any]) -> bool:
    return answers.get("contact") == "named"


@action("report_summary")
async def report_summary(context: ActionContext) -> ActionResult:
    """The answers so far, for the reporter to check before sending."""
    answers, lang, words = context.answers, context.lang, context.words(WORDING)
    reporter = words["anonymous"]
    if _named(answers):
        reporter = (
            ", ".join(str(part) for part in (answers.get("name"), answers.get("phone")) if part)
            or words["none"]
        )
    text = context.needs_flows().message(
        "report_summary",
        lang,
        offer=answers.get("offer") or words["none"],
        recruiter=answers.get("recruiter") or words["none"],
        place=_place(answers, words),
        danger=words["yes"] if answers.get("danger") == "yes" else words["no"],
        photos=len([photo for photo in answers.get("photos") or [] if photo]),
        reporter=reporter,
    )
    return ActionResult(texts=[text])


@action("prefill_report")
async def prefill_report(context: ActionContext) -> ActionResult:
    """Carry what a recruiter, offer or advert check already learned into the report.

    The recruiter's name fills the "who made the offer" question and a checked advert's
    text the "what was offered" one (both then skipped); the check's verdict and red flags
    are attached for the officers.
    """
    answers, data = context.answers, context.data
    updates: dict[str, Any] = {}
    carried = list(answers.get(CARRIED) or [])
    advert = str(answers.get("advert_text") or "").strip()
    if advert and not answers.get("offer"):
        updates["offer"] = advert[:ADVERT_IN_REPORT]
        carried.append("offer")
    recruiter = next(
        (
            answers[key]
            for key in ("recruiter", "offer_recruiter", "recruiter_name", "recruiter_query")
            if answers.get(key)
        ),
        None,
    )
    if recruiter and not answers.get("recruiter"):
        updates["recruiter"] = str(recruiter)
        carried.append("recruiter")
    notes = []
    if answers.get("offer_level"):
        flags = ", ".join(answers.get("offer_flags") or []) or "-"
        checked = "cek iklan" if advert else "cek tawaran"
        notes.append(f"{checked}: {answers['offer_level']} (tanda: {flags})")
        country = answers.get("offer_country")
        if country and country not in ("other", "unknown"):
            notes.append(f"negara tujuan: {data.vocabulary.country(country, 'id')}")
    if answers.get("offer_recruiter_status") or answers.get("recruiter_query"):
        status = answers.get("offer_recruiter_status") or "dicari di daftar"
        notes.append(f"cek perusahaan: {recruiter or '-'} ({status})")
    if not updates and not notes:
        return ActionResult()
    updates["check_summary"] = "; ".join(notes)
    updates[CARRIED] = list(dict.fromkeys(carried))
    return ActionResult(
        texts=[context.needs_flows().message("report_prefilled", context.lang)], answers=updates
    )


def officer_envelopes(services: Services, report: ReportRecord) -> tuple[Envelope, ...]:
    """The card and photos for the officers' chat (nothing if no chat is configured)."""
    if services.officer_chat_id is None:
        log.warning("a report is filed, but no OFFICER_CHAT_ID is configured")
        return ()
    chat, channel = str(services.officer_chat_id), services.officer_channel
    envelopes = [Envelope(channel, chat, card(report).to_dict())]
    for number, path in enumerate(report.photos, 1):
        caption = f"Foto {number}/{len(report.photos)} — {report.ref}"
        envelopes.append(Envelope(channel, chat, {"text": caption, "media": path}))
    return tuple(envelopes)


def idempotency_key(channel: str, user: str, update: str) -> str:
    """What makes filing idempotent per platform message, without naming the user in clear
    (a WhatsApp user id and message id hold the phone number); erased with the user's data."""
    raw = f"{channel}:{user}:{update}".encode()
    return "k:" + hashlib.blake2b(raw, digest_size=16, person=b"migran-aman-rep").hexdigest()


def _check_kind(args: dict[str, Any], data: Any) -> list[str]:
    kind = args.get("kind", "report")
    return [] if kind in KINDS else [f"argument 'kind' must be one of {', '.join(KINDS)}"]


@action("file_report", optional=("kind",), check_args=_check_kind)
async def file_report(context: ActionContext) -> ActionResult:
    """File the report with the turn (once per message, even if redelivered) and give its
    number (assigned when the turn is committed).

    With `kind: question` it files a question the bot could not answer
    (answers["question"]): anonymous, into the same queue and relay as reports.
    """
    services = context.needs_services()
    answers = context.answers
    kind = context.args.get("kind", "report")
    # the web chat has no message ids: there the same answers are the same report
    update = context.update_id or json.dumps(answers, sort_keys=True, default=str)
    key = idempotency_key(context.channel, context.user, f"{kind}:{update}")
    if not await services.store.has_report(key) and not await _under_the_cap(context, services):
        return ActionResult(
            texts=[context.needs_flows().message("report_limit", context.lang)], failed=True
        )
    if kind == "question":
        if not str(answers.get("question") or "").strip():
            return ActionResult(
                texts=[context.needs_flows().message("failure", context.lang)], failed=True
            )
        answers = {"offer": answers.get("question"), "contact": "anonymous"}
    named = _named(answers)
    fields = {
        "kind": kind,
        "channel": context.channel,
        "user": context.user,
        "anonymous": not named,
        "urgent": answers.get("danger") == "yes",
        "offer": "\n".join(
            str(part) for part in (answers.get("offer"), answers.get("check_summary")) if part
        ),
        "recruiter": answers.get("recruiter") or "",
        "place": answers.get("where") or "",
        "kecamatan": answers.get("kecamatan") or "",
        "desa": answers.get("desa") or "",
        "country": answers.get("country") or "",
        "name": (answers.get("name") or "") if named else "",
        "phone": (answers.get("phone") or "") if named else "",
        "lang": context.lang,
    }
    photos = [photo for photo in answers.get("photos") or [] if photo]
    draft = new_report(fields, photos, context.now)  # numbered when the turn is committed
    effect = FileReport(
        key=key,
        fields=fields,
        photos=tuple(photos),
        prefix=services.report_prefix,
        cards=officer_envelopes(services, draft),
        digest=DIGEST_TEXT,
        urgent_digest=URGENT_DIGEST_TEXT,
        facts=advert_facts(answers.get("advert_facts")),
    )
    filed: MessageName = "question_filed" if kind == "question" else "report_filed"
    texts = [context.needs_flows().message(filed, context.lang, ref=REPORT_NUMBER)]
    if draft.urgent:
        texts.append(context.needs_flows().message("report_urgent", context.lang))
    return ActionResult(texts=texts, effects=(effect,))


def advert_facts(found: Any) -> tuple[tuple[str, str], ...]:
    """What a checked advert named, as (kind, value) pairs for the officers' patterns."""
    if not isinstance(found, dict):
        return ()
    facts = [("contact", str(contact)) for contact in found.get("contacts") or []]
    facts += [(kind, str(found[kind])) for kind in ("company", "country") if found.get(kind)]
    return tuple(facts)


async def _under_the_cap(context: ActionContext, services: Services) -> bool:
    """At most `reports_per_hour` reports per user, and four times that per client address:
    a flood of fake reports must not bury the real ones (a retried message is let through:
    filing is idempotent)."""
    since = context.now - timedelta(hours=1)
    recent = await services.store.reports_since(context.channel, context.user, since)
    if recent >= services.reports_per_hour:
        log.warning("report refused: %d reports from one user within an hour", recent)
        return False
    if not services.reports_by_user.allows(f"{context.channel}:{context.user}"):
        log.warning("report refused: too many reports from one user within an hour")
        return False
    if not services.reports_by_address.allows(context.client):
        log.warning("report refused: too many reports from one address within an hour")
        return False
    return True


@action("report_status")
async def report_status(context: ActionContext) -> ActionResult:
    """Status of the report named in answers["reference"], and the officers' messages: only
    to the account that filed it."""
    services = context.needs_services()
    flows, lang = context.needs_flows(), context.lang
    ref = str(context.answers.get("reference") or "").strip().upper()
    report = await services.store.report(ref) if ref else None
    if report is None or (report.channel, report.user) != (context.channel, context.user):
        # only its own reporter sees a report: numbers are sequential, and guessing one
        # must tell a stranger nothing (not even that it exists)
        return ActionResult(texts=[flows.message("report_not_found", lang, ref=ref or "-")])
    status = flows.message(STATUS_MESSAGES[report.status], lang)
    texts = [
        flows.message(
            "report_status",
            lang,
            ref=report.ref,
            date=f"{report.created_at:%d-%m-%Y}",
            status=status,
        )
    ]
    texts += [
        flows.message(
            "report_officer_message", lang, date=message.created_at[:10], text=message.text
        )
        for message in report.messages
        if message.direction == "to_reporter"
    ][-3:]
    return ActionResult(texts=texts)
