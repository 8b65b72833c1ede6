"""The `emergency_contacts` action: lists sourced contacts from `content/data/contacts.yaml`."""

from __future__ import annotations

from typing import Any

from bot.actions import ActionContext, ActionResult, action
from bot.data import ContentData
from bot.data.contacts import Contact

LABELS = {
    "id": {"phone": "Telepon", "whatsapp": "WhatsApp", "web": "Situs", "source": "Sumber"},
    "en": {"phone": "Phone", "whatsapp": "WhatsApp", "web": "Website", "source": "Source"},
}


def _check_groups(args: dict[str, Any], data: ContentData) -> list[str]:
    groups = args.get("groups")
    if not isinstance(groups, list) or not groups:
        return ["argument 'groups' must be a non-empty list of contact groups"]
    unknown = [group for group in groups if group not in data.contacts.groups]
    if unknown:
        return [
            f"unknown contact group(s) {', '.join(map(str, unknown))} (groups in "
            f"contacts.yaml: {', '.join(data.contacts.groups)})"
        ]
    return []


def _pick(texts: dict[str, str] | None, lang: str) -> str:
    return (texts or {}).get(lang) or (texts or {}).get("id", "")


def format_contact(contact: Contact, lang: str, full_source: bool = False) -> str:
    """One contact as a few short lines, with its source and date."""
    labels = LABELS.get(lang, LABELS["id"])
    lines = [f"*{_pick(contact.name, lang)}*"]
    if contact.phone:
        lines.append(f"📞 {labels['phone']}: {contact.phone}")
    if contact.whatsapp:
        lines.append(f"💬 {labels['whatsapp']}: {contact.whatsapp}")
    if contact.web:
        lines.append(f"🌐 {labels['web']}: {contact.web}")
    if contact.hours:
        lines.append(f"🕒 {_pick(contact.hours, lang)}")
    if contact.note:
        lines.append(_pick(contact.note, lang))
    source = contact.source if full_source or not contact.cite else contact.cite
    lines.append(f"({labels['source']}: {source}, {contact.source_date:%d-%m-%Y})")
    return "\n".join(lines)


@action("emergency_contacts", required=("groups",), check_args=_check_groups)
async def emergency_contacts(context: ActionContext) -> ActionResult:
    """Show the contacts of the requested groups, grouped, in the user's language."""
    book = context.data.contacts
    texts = []
    for group, contacts in book.in_groups(context.args["groups"]):
        title = book.groups[group].get(context.lang) or book.groups[group].get("id", group)
        body = "\n\n".join(format_contact(contact, context.lang) for contact in contacts)
        texts.append(f"— {title.upper()} —\n\n{body}" if contacts else f"— {title.upper()} —")
    return ActionResult(texts=texts)
