"""Validation of answers to `ask` nodes: one function per input type.

Each validator returns `Accepted(value)` or `Rejected()`; the engine turns a
rejection into the type's kind explanation and asks again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.engine.spec import InputSpec
from bot.engine.text import clean_input, match_label
from bot.messages import Inbound, InboundKind

_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
_INDONESIAN_MOBILE = re.compile(r"^(?:\+62|62|0)(8\d{7,11})$")
_INDONESIAN_LANDLINE = re.compile(r"^(?:\+62|62|0)([1-79]\d{6,10})$")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
ACCEPTED_IMAGE_MIMES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic"})


@dataclass(frozen=True, slots=True)
class Accepted:
    """The answer is valid; `value` is what gets saved."""

    value: Any


@dataclass(frozen=True, slots=True)
class Rejected:
    """The answer does not fit the question."""


Verdict = Accepted | Rejected


def normalize_phone(raw: str) -> str | None:
    """An Indonesian phone number in +62 form, or None if `raw` is not one.

    Accepts 08xx / +628xx / 628xx mobile numbers and area-code landlines (021...),
    with spaces, dashes, dots or brackets in between.
    """
    compact = _PHONE_SEPARATORS.sub("", raw.strip())
    for pattern in (_INDONESIAN_MOBILE, _INDONESIAN_LANDLINE):
        found = pattern.match(compact)
        if found:
            return "+62" + found.group(1)
    return None


AnswerKinds = Callable[[str], Sequence[str]]
"""Classifies a whole message as everyday answers: "yes", "no", "unsure", "next"."""


def parse_yes_no(text: str, kinds: AnswerKinds) -> bool | None:
    """True for a yes, False for a no (slang included: "iya", "gak"), None otherwise."""
    found = kinds(text)
    if "yes" in found:
        return True
    if "no" in found:
        return False
    return None


def validate(
    spec: InputSpec,
    inbound: Inbound,
    lang: str,
    kinds: AnswerKinds,
) -> Verdict:
    """Check one inbound message against an `ask` node's input spec."""
    kind = spec.type
    if kind == "photo":
        images = [m for m in inbound.media if m.kind == "image" or m.mime in ACCEPTED_IMAGE_MIMES]
        return Accepted(images[0].ref) if images else Rejected()
    if kind == "location":
        if inbound.location is None:
            return Rejected()
        return Accepted({"lat": inbound.location.latitude, "lon": inbound.location.longitude})
    if inbound.kind != InboundKind.TEXT:
        return Rejected()
    text = clean_input(inbound.text)
    if not text:
        return Rejected()
    if kind == "text":
        return Accepted(text) if len(text) <= spec.max_length else Rejected()
    if kind == "number":
        return _number(text, spec)
    if kind == "phone":
        phone = normalize_phone(text)
        return Accepted(phone) if phone else Rejected()
    if kind == "yesno":
        answer = parse_yes_no(text, kinds)
        return Rejected() if answer is None else Accepted(answer)
    labels = [choice.label.get(lang, "") for choice in spec.choices]
    index = match_label(text, labels, [choice.words for choice in spec.choices])
    if index is None:
        index = match_label(text, [choice.value for choice in spec.choices])
    return Rejected() if index is None else Accepted(spec.choices[index].value)


def _number(text: str, spec: InputSpec) -> Verdict:
    compact = text.replace(" ", "")
    if _THOUSANDS.fullmatch(compact):
        compact = compact.replace(".", "")
    compact = compact.replace(",", ".")
    try:
        value = float(compact)
    except ValueError:
        return Rejected()
    if value != value or value in (float("inf"), float("-inf")):
        return Rejected()
    if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
        return Rejected()
    return Accepted(int(value) if value.is_integer() else value)
