"""Reading a forwarded job advert: is the message one, and what does it say.

Pure, built with the content from `content/data/advert_rules.yaml`: the words that make a
message read like an advert (a vacancy word and enough other kinds: pay, contact, terms...),
and for each red flag the word rules that show it. Besides the flags it reads the
destination, the company, a job-order number, the contact numbers and accounts, and a
monthly pay in rupiah. What the registry or the verified jobs say about them, and the level,
is the `advert_verdict` action's (the offer check's rules score it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.engine.text import normalize
from bot.understanding.entities import EntityFinder
from bot.understanding.wordrules import CompiledRule, RuleReader, Words, positions
from bot.understanding.words import Normaliser

if TYPE_CHECKING:  # the rules are data; importing them here would be a cycle
    from bot.data.advert_rules import AdvertRules

READ_CHARS = 3_000  # an advert is read from its first 3,000 characters
PHONE = re.compile(r"(?<![\d+])(?:\+?62|0)[\s.\-]?8[\d\s.\-]{7,14}\d")
HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_.]{3,30}\b|\b(?:wa\.me|t\.me)/[A-Za-z0-9_+]{3,40}")
AMOUNT = re.compile(
    r"(?P<before>rp\.?|us\$|nt\$|hk\$|s\$|b\$|\$|usd|rm|ntd|sgd|hkd|sar|aed|qar|eur|php|bnd)?"
    r"\s*(?P<number>\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s*"
    r"(?P<times>juta|jt|jtan|rb|ribu|k)?\b\s*"
    r"(?P<after>usd|dollar|ringgit|rm|ntd|nt|yen|won|sar|riyal|rial|sgd|hkd|aed|dirham|qar"
    r"|eur|euro|php|bnd)?"
)
PHONE_DIGITS = 10  # a number this long is a phone number, not pay
MULTIPLIERS = {"juta": 1_000_000, "jt": 1_000_000, "jtan": 1_000_000, "rb": 1_000, "ribu": 1_000}
MULTIPLIERS["k"] = 1_000


@dataclass(frozen=True, slots=True)
class AdvertReading:
    """What an advert says, as far as it could be read."""

    flags: tuple[str, ...]  # flags read from its words (not yet the registry's)
    answers: dict[str, str] = field(default_factory=dict)  # the offer check's answers it gives
    country: str | None = None
    company: str | None = None
    job_order: str | None = None
    contacts: tuple[str, ...] = ()  # phone numbers (+62...) and accounts
    pay_idr: int = 0  # the highest monthly pay it names, in rupiah


class AdvertReader:
    """The advert rules of one content version, compiled."""

    def __init__(self, rules: AdvertRules, normaliser: Normaliser, entities: EntityFinder) -> None:
        self.rules = rules
        self._entities = entities
        reader = self._reader = RuleReader(normaliser)
        recognise = rules.recognise
        self._recruiting = reader.patterns(recognise.recruiting)
        self._signals = {kind: reader.patterns(words) for kind, words in recognise.signals.items()}
        self._own_story = [reader.compile(rule) for rule in recognise.own_story]
        self._flags: list[tuple[str, list[CompiledRule], list[CompiledRule]]] = [
            (
                flag.id,
                [reader.compile(rule) for rule in flag.rules],
                [reader.compile(rule) for rule in flag.unless],
            )
            for flag in rules.flags
        ]
        self._salary_words = reader.patterns(rules.salary.words)
        self._job_order = [normalize(words) for words in rules.job_order_words]
        reader.learn([rule for _, compiled, _ in self._flags for rule in compiled])

    def looks_like_advert(self, text: str, forwarded: bool = False) -> bool:
        """Whether a message reads like a job advert (a forwarded one needs fewer signs)."""
        recognise = self.rules.recognise
        if len(text) < recognise.min_chars:
            return False
        message = self._reader.read(text[:READ_CHARS])
        kinds = {kind for kind, words in self._signals.items() if positions(words, message)}
        if positions(self._recruiting, message):
            kinds.add("recruiting")
        if not kinds & {"recruiting", "job"}:
            return False  # no vacancy and no job named
        if contacts(text):
            kinds.add("contact")
        if self._entities.country(message.words):
            kinds.add("place")
        needed = recognise.forwarded_min_signals if forwarded else recognise.min_signals
        if len(kinds) < needed:
            return False
        # someone telling their own case, asking about an offer or warning about one
        return not any(rule.matches(message) for rule in self._own_story)

    def read(self, text: str) -> AdvertReading:
        """The flags, the offer check's answers and the names an advert gives."""
        text = text[:READ_CHARS]
        message = self._reader.read(text)
        flags = [
            flag_id
            for flag_id, rules, unless in self._flags
            if any(rule.matches(message) for rule in rules)
            and not any(rule.matches(message) for rule in unless)
        ]
        pay = self._pay(text, message)
        salary = self.rules.salary
        if pay >= salary.min_idr_month and set(salary.only_with) & set(flags):
            flags.append("salary")
        answers = {
            flag.offer_answer: "yes"
            for flag_id in flags
            if (flag := self.rules.flag(flag_id)) and flag.offer_answer
        }
        if "salary" in flags:
            answers["offer_salary"] = "yes"
        country = self._entities.country(message.words)
        company = self._entities.company(text)
        if country:
            answers["offer_country"] = country
        if company:
            answers["offer_recruiter"] = company
        return AdvertReading(
            flags=tuple(dict.fromkeys(flags)),
            answers=answers,
            country=country,
            company=company,
            job_order=self._job_order_number(text),
            contacts=contacts(text),
            pay_idr=pay,
        )

    def _pay(self, text: str, message: Words) -> int:
        """The highest monthly pay named, in rupiah (0: none, or no pay word in the text)."""
        if not positions(self._salary_words, message):
            return 0
        rates = self.rules.salary.rupiah_per
        best = 0
        for match in AMOUNT.finditer(text.lower()):
            if len(re.sub(r"\D", "", match["number"])) >= PHONE_DIGITS:
                continue
            currency = (match["before"] or match["after"] or "").rstrip(".")
            times = MULTIPLIERS.get(match["times"] or "", 1)
            rate = rates.get(currency, 1.0) if currency not in ("rp", "") else 1.0
            amount = _number(match["number"], times) * times * rate
            if not currency and times == 1 and amount < 1_000_000:
                continue  # a bare small number: an age, a date, a count
            best = max(best, int(amount))
        return best

    def _job_order_number(self, text: str) -> str | None:
        """The number after "job order" (or another marker), as written."""
        lowered = text.lower()
        for marker in self._job_order:
            start = lowered.find(marker)
            if start < 0:
                continue
            found = re.match(
                r"[\s:.#]*(?:no\.?|nomor|number)?[\s:.#]*([A-Za-z0-9][A-Za-z0-9/.\-]{3,40})",
                text[start + len(marker) :],
            )
            if found and any(char.isdigit() for char in found.group(1)):
                return found.group(1).rstrip(".").upper()
        return None


def contacts(text: str) -> tuple[str, ...]:
    """Phone numbers (as +62 8...) and social accounts or chat links named in the text."""
    found: list[str] = []
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        digits = "62" + digits[1:] if digits.startswith("0") else digits
        if 10 <= len(digits) <= 15:
            found.append("+" + digits)
    found += [match.group(0).lower() for match in HANDLE.finditer(text)]
    return tuple(dict.fromkeys(found))


def _number(raw: str, times: int) -> float:
    """ "15.000.000" -> 15000000, "1,200" -> 1200, "1,5" (with juta) -> 1.5."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw) and times == 1:
        return float(re.sub(r"[.,]", "", raw))
    return float(raw.replace(",", "."))
