"""The compiled dialog graph the engine walks: nodes, system texts, screens, keywords."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.engine.spec import KeywordName, LabelName, MessageName, Node, PageNode, SystemSpec
from bot.engine.text import normalize, split_screens
from bot.understanding import Understanding

if TYPE_CHECKING:
    from bot.engine.choices import OptionMemo


@dataclass(frozen=True, init=False)
class Flows:
    """Validated content, ready for the engine; immutable so a reload swaps it whole."""

    system: SystemSpec
    nodes: dict[str, Node]
    version: str
    understanding: Understanding
    keywords: dict[str, KeywordName] = field(init=False)
    screens: dict[tuple[str, str], list[str]] = field(init=False)
    memo: OptionMemo = field(init=False, repr=False, compare=False)  # the options per state
    _reference: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        system: SystemSpec,
        nodes: dict[str, Node],
        version: str,
        understanding: Understanding | None = None,
    ) -> None:
        """The flows of `system` and `nodes`; `understanding` is built from them if not given."""
        object.__setattr__(self, "system", system)
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "version", version)
        if understanding is None:
            understanding = Understanding(system, nodes)
        object.__setattr__(self, "understanding", understanding)
        keywords = {
            normalize(word): name
            for name, words in system.keywords.items()
            for word in words
            if normalize(word)
        }
        object.__setattr__(self, "keywords", keywords)
        object.__setattr__(self, "memo", {})
        screens = {
            (node_id, lang): split_screens(self._page_text(node, lang), system.screen_chars)
            for node_id, node in nodes.items()
            if isinstance(node, PageNode)
            for lang in system.languages
        }
        object.__setattr__(self, "screens", screens)
        pattern = system.reference_pattern if system.reference_node else None
        object.__setattr__(self, "_reference", re.compile(pattern) if pattern else None)

    @property
    def default_language(self) -> str:
        """The language of a new user (the first one listed)."""
        return self.system.languages[0]

    def _page_text(self, node: PageNode, lang: str) -> str:
        """A page's text with its sources as the last paragraph, so that they go on a
        screen of their own when the last screen has no room left for them."""
        text = node.text.get(lang, "")
        if not node.sources:
            return text
        reviewed = node.reviewed.strftime("%d-%m-%Y") if node.reviewed else "-"
        named = self.message("sources", lang, sources="; ".join(node.sources), reviewed=reviewed)
        return f"{text.rstrip()}\n\n{named}"

    def message(self, name: MessageName, lang: str, **values: object) -> str:
        """A system message in `lang` (falling back to the default language), filled in."""
        texts = self.system.messages[name]
        template = texts.get(lang) or texts[self.default_language]
        return template.format(**values) if values else template

    def label(self, name: LabelName, lang: str) -> str:
        """A system button label in `lang`."""
        texts = self.system.labels[name]
        return texts.get(lang) or texts[self.default_language]

    def reference(self, text: str) -> str | None:
        """The report number if `text` is one (case and spaces forgiven), else None."""
        if self._reference is None:  # compiled once: this runs for every typed message
            return None
        candidate = text.strip().upper().replace(" ", "")
        return candidate if self._reference.fullmatch(candidate) else None

    def text(self, texts: dict[str, str] | None, lang: str) -> str:
        """Pick `lang` from a content string, falling back to the default language."""
        if not texts:
            return ""
        return texts.get(lang) or texts.get(self.default_language, "")


def content_version(blobs: list[bytes]) -> str:
    """A short fingerprint of the content files, so stale buttons can be recognised."""
    digest = hashlib.blake2b(digest_size=6)
    for blob in blobs:
        digest.update(len(blob).to_bytes(8, "big"))
        digest.update(blob)
    return digest.hexdigest()
