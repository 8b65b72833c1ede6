"""The `emergency_contacts` action: lists sourced contacts from `content/data/contacts.yaml`.

Arguments:
- `groups` (required): the contact groups to show, in this order ("where the person is":
  the numbers that work from there first).
- `contacts` (optional): show only these contact ids (each in one of `groups`), for a short
  first message; or
- `skip` (optional): leave these contact ids out, for the "more numbers" message that follows.

Each contact takes two short lines (name and number; where and when it works). The sources
of all the contacts shown come once, in one short line at the end.
"""

from __future__ import annotations

from typing import Any

from bot.actions import ActionContext, ActionResult, action, wording_needs
from bot.data import ContentData
from bot.data.contacts import Contact, ContactBook

WORDING = wording_needs(__name__, "source")
"""The label of the line of sources under the numbers."""
MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
PICKS = ("contacts", "skip")


def _check_args(args: dict[str, Any], data: ContentData) -> list[str]:
    groups = args.get("groups")
    if not isinstance(groups, list) or not groups:
        return ["argument 'groups' must be a non-empty list of contact groups"]
    unknown = [group for group in groups if group not in data.contacts.groups]
    if unknown:
        return [
            f"unknown contact group(s) {', '.join(map(str, unknown))} (groups in "
            f"contacts.yaml: {', '.join(data.contacts.groups)})"
        ]
    problems = []
    if all(args.get(name) is not None for name in PICKS):
        problems.append("give either 'contacts' or 'skip', not both")
    group_of = {contact.id: contact.group for contact in data.contacts.contacts}
    for name in PICKS:
        ids = args.get(name)
        if ids is None:
            continue
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            problems.append(f"argument '{name}' must be a non-empty list of contact ids")
            continue
        missing = [i for i in ids if i not in group_of]
        if missing:
            problems.append(f"argument '{name}': no contact {', '.join(missing)} in contacts.yaml")
        outside = [i for i in ids if i in group_of and group_of[i] not in groups]
        if outside:
            problems.append(
                f"argument '{name}': contact(s) {', '.join(outside)} not in the groups "
                f"{', '.join(map(str, groups))}"
            )
    return problems


def _pick(texts: dict[str, str] | None, lang: str) -> str:
    return (texts or {}).get(lang) or (texts or {}).get("id", "")


def contact_lines(contact: Contact, lang: str) -> list[str]:
    """A contact in two short lines: its name and number(s), then where and when it works."""
    channels = []
    if contact.phone:
        channels.append(f"📞 {contact.phone}")
    if contact.whatsapp:
        channels.append(f"💬 {contact.whatsapp}")
    if contact.web:
        channels.append(f"🌐 {contact.web}")
    head = f"*{_pick(contact.name, lang)}*"
    if channels:
        head += ": " + " · ".join(channels)
    details = "; ".join(
        text for text in (_pick(contact.note, lang), _pick(contact.hours, lang)) if text
    )
    return [head, details[:1].upper() + details[1:]] if details else [head]


def sources_line(contacts: list[Contact], data: ContentData, lang: str) -> str:
    """One short line of sources: each short citation once, with the month of its source."""
    months = MONTHS.get(lang, MONTHS["id"])
    by_month: dict[str, list[str]] = {}
    for contact in contacts:
        when = f"{months[contact.source_date.month - 1]} {contact.source_date.year}"
        cites = by_month.setdefault(when, [])
        for cite in contact.cite.split(", ") if contact.cite else [contact.source]:
            if cite not in cites:
                cites.append(cite)
    label = data.wording.of(WORDING, lang)["source"]
    cited = "; ".join(f"{', '.join(cites)} ({when})" for when, cites in by_month.items())
    return f"{label}: {cited}."


def format_contact(
    contact: Contact, data: ContentData, lang: str, full_source: bool = False
) -> str:
    """One contact as a few short lines, with its source and date (the content booklet)."""
    labels = data.wording.of(WORDING, lang)
    source = contact.source if full_source or not contact.cite else contact.cite
    source_line = f"({labels['source']}: {source}, {contact.source_date:%d-%m-%Y})"
    return "\n".join([*contact_lines(contact, lang), source_line])


def shown(book: ContactBook, args: dict[str, Any]) -> list[tuple[str, list[Contact]]]:
    """The groups and contacts these arguments show, in display order."""
    only = set(args.get("contacts") or ())
    skip = set(args.get("skip") or ())
    picked = []
    for group, contacts in book.in_groups(args["groups"]):
        members = [c for c in contacts if (not only or c.id in only) and c.id not in skip]
        if members or not (only or skip):
            picked.append((group, members))
    return picked


@action("emergency_contacts", required=("groups",), optional=PICKS, check_args=_check_args)
async def emergency_contacts(context: ActionContext) -> ActionResult:
    """Show the contacts of the requested groups, grouped, in the user's language, with one
    line of sources at the end."""
    book, lang = context.data.contacts, context.lang
    texts = []
    listed: list[Contact] = []
    for group, contacts in shown(book, context.args):
        title = (book.groups[group].get(lang) or book.groups[group].get("id", group)).upper()
        blocks = ["\n".join(contact_lines(contact, lang)) for contact in contacts]
        texts.append("\n".join([f"— {title} —", "\n\n".join(blocks)]) if blocks else f"— {title} —")
        listed += contacts
    if listed:
        texts.append(sources_line(listed, context.data, lang))
    return ActionResult(texts=texts)
