"""Names in a typed message that lead straight somewhere: a report number, a company,
"lowongan" with a country, a request for another language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz, process

from bot.engine.text import normalize
from bot.understanding.words import Normaliser

COMPANY_NAME_WORDS = 5  # at most this many words after "PT" make the name
REGISTRY_SIMILARITY = 90
REGISTRY_MIN_NAME = 8  # shorter registry names are too easily found by chance
_REGISTRY_NOISE = re.compile(r"\b(pt|cv|sampel|persero|tbk)\b")


class EntityFinder:
    """Finds the entities of one content version."""

    def __init__(
        self,
        normaliser: Normaliser,
        reference_pattern: str | None,
        countries: Mapping[str, Iterable[str]],
        company_names: Iterable[str],
    ) -> None:
        rules = normaliser.rules
        self._normaliser = normaliser
        self._reference = re.compile(reference_pattern) if reference_pattern else None
        self._countries: dict[str, str] = {}
        for code, names in countries.items():
            for name in (code, *names):
                words = normaliser.words(name)
                if len(words) == 1:
                    self._countries.setdefault(words[0], code)
        self._language = [normaliser.words(phrase) for phrase in rules.language_words]
        self._job_words = {w for phrase in rules.job_words for w in normaliser.words(phrase)}
        self._cost_words = {w for phrase in rules.cost_words for w in normaliser.words(phrase)}
        self._cost_except = {w for phrase in rules.cost_except for w in normaliser.words(phrase)}
        self._company_words = {normalize(word) for word in rules.company_words}
        self._company_check = {
            w for phrase in rules.company_check for w in normaliser.words(phrase)
        }
        self._company_stop = {
            w
            for phrase in (*rules.company_stop, *rules.stopwords)
            for w in normaliser.words(phrase)
        }
        registry = {}
        for name in company_names:
            plain = " ".join(_REGISTRY_NOISE.sub(" ", normalize(name)).split())
            if len(plain) >= REGISTRY_MIN_NAME:
                registry[plain] = name
        self._registry = registry
        self._registry_names = list(registry)

    def reference(self, text: str) -> str | None:
        """A report number written anywhere in the text ("status SRG-2026-00042?")."""
        if self._reference is None:
            return None
        compact = re.sub(r"(?<=[A-Z0-9])[\s_]+(?=[A-Z0-9])", "-", text.upper())
        found = self._reference.search(compact)
        return found.group(0) if found else None

    def wants_language(self, words: tuple[str, ...]) -> bool:
        """A short message that asks for another language ("english please")."""
        if len(words) > 5:
            return False
        return any(
            tuple(words[i : i + len(phrase)]) == phrase
            for phrase in self._language
            for i in range(len(words) - len(phrase) + 1)
        )

    def country(self, words: tuple[str, ...]) -> str | None:
        """The first country named in the words (after slang: "tiwan" is already "taiwan")."""
        for word in words:
            code = self._countries.get(word)
            if code:
                return code
        return None

    def jobs_country(self, words: tuple[str, ...]) -> str | None:
        """The country of "lowongan/loker + country", if the message asks for vacancies."""
        if not self._job_words.intersection(words):
            return None
        return self.country(words)

    def asks_cost_of_going(self, words: tuple[str, ...]) -> bool:
        """Whether the message asks what going to a country costs ("ke taiwan bayar berapa"):
        the rules on fees answer that for every country, not the country's page. Not a
        complaint about money already paid or wages withheld ("sudah bayar", "gaji")."""
        return (
            bool(self._cost_words.intersection(words))
            and not self._cost_except.intersection(words)
            and self.country(words) is not None
        )

    def company(self, text: str) -> str | None:
        """A company the message names: "PT Maju Jaya resmi ga" -> "PT Maju Jaya"."""
        tokens = normalize(text).split()
        asks_licence = bool(self._company_check.intersection(self._normaliser.words(text)))
        for index, token in enumerate(tokens):
            word = token
            if token.startswith("pt") and len(token) > 4 and token[2:].isalpha():
                word, tokens = "pt", [*tokens[:index], "pt", token[2:], *tokens[index + 1 :]]
            if word not in self._company_words:
                continue
            name: list[str] = []
            for follower in tokens[index + 1 : index + 1 + COMPANY_NAME_WORDS]:
                if set(self._normaliser.words(follower)) & self._company_stop:
                    break
                name.append(follower)
            if name and (word in ("pt", "cv") or (len(name) >= 2 and asks_licence)):
                prefix = word.upper() + " " if word in ("pt", "cv") else ""
                return prefix + " ".join(part.capitalize() for part in name)
        return self._registered(" ".join(tokens))

    def _registered(self, plain: str) -> str | None:
        """A registry name that stands whole in the message (typos forgiven)."""
        if not self._registry_names or len(plain) < REGISTRY_MIN_NAME:
            return None
        found = process.extractOne(
            plain, self._registry_names, scorer=fuzz.partial_ratio, score_cutoff=REGISTRY_SIMILARITY
        )
        if found is None or len(found[0]) > len(plain) + 2:
            return None
        return self._registry[found[0]]
