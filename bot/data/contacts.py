"""The sourced registry of emergency and complaint contacts (`content/data/contacts.yaml`).

Every phone number the bot shows must come from here, with its source and date,
so that an officer can re-check each one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.engine.spec import I18n
from bot.yamlsource import Problem, line_of, load_model


class Contact(BaseModel):
    """One agency or service a user can turn to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    group: str
    name: I18n
    phone: str | None = None
    whatsapp: str | None = None
    web: str | None = None
    hours: I18n | None = None
    note: I18n | None = None
    cite: str | None = None  # short form of the source shown to users
    source: str = Field(min_length=3)
    source_date: date

    @field_validator("phone", "whatsapp")
    @classmethod
    def _digits(cls, value: str | None) -> str | None:
        if value is not None and sum(char.isdigit() for char in value) < 3:
            raise ValueError("a phone number needs digits")
        return value


class ContactBook(BaseModel):
    """The whole contacts file: groups in display order and their contacts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reviewed: date
    groups: dict[str, I18n]
    contacts: list[Contact]

    def in_groups(self, groups: list[str]) -> list[tuple[str, list[Contact]]]:
        """The contacts of `groups`, grouped, in the order asked for (abroad numbers first
        for someone abroad)."""
        return [
            (group, [contact for contact in self.contacts if contact.group == group])
            for group in dict.fromkeys(groups)
            if group in self.groups
        ]

    def phone_numbers(self) -> set[str]:
        """Every phone and WhatsApp number, reduced to its digits."""
        numbers = set()
        for contact in self.contacts:
            for number in (contact.phone, contact.whatsapp):
                if number:
                    numbers.add("".join(char for char in number if char.isdigit()))
        return numbers


def load_contacts(path: Path, display: str) -> tuple[ContactBook | None, list[Problem]]:
    """Load and validate the contacts file; problems name file, line and key."""
    book, document, problems = load_model(path, display, ContactBook)
    if book is None:
        return None, problems
    seen: set[str] = set()
    for index, contact in enumerate(book.contacts):
        line = line_of(document, ("contacts", index))
        if contact.group not in book.groups:
            problems.append(
                Problem(
                    display,
                    line,
                    f"contact '{contact.id}': unknown group "
                    f"'{contact.group}' (groups: {', '.join(book.groups)})",
                )
            )
        if contact.id in seen:
            problems.append(Problem(display, line, f"duplicate contact id '{contact.id}'"))
        seen.add(contact.id)
    return book, problems
