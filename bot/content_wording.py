"""How content reads, checked: one screen per message, every acronym explained, phone
numbers only where the contacts keep them.

Part of `check-content` (called from `content_checks.check_graph`). The screen is
`screen_chars` (600): a menu's, question's or action's text and every system message is one
message; a page is split into screens by itself. The glossary page (`glossary` in
system.yaml) explains the acronyms; one used elsewhere must be on it, or explained where it
is used.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.engine.spec import ActionNode, Node, PageNode, SystemSpec
from bot.yamlsource import line_of

if TYPE_CHECKING:
    from bot.content_checks import Checker, KeyPath, Source, Where

PHONE_IN_TEXT = re.compile(r"(?<![\w-])(?:\+?\d[\d\s\-().]{5,}\d)")
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}(?:-[A-Z][A-Z0-9]*)?\b")  # "EPS-TOPIK", not "SRG-2026"
MARKUP = re.compile(r"[*_`]")


def check_phone_numbers(
    checker: Checker,
    display: str,
    node_id: str,
    node: Node,
    where: Where,
    known_numbers: set[str],
) -> None:
    """Every phone number a node shows needs a source in content/data/contacts.yaml."""
    texts: list[tuple[KeyPath, str]] = [
        (("text", lang), text) for lang, text in (getattr(node, "text", None) or {}).items()
    ]
    if isinstance(node, ActionNode):  # texts an action shows, given as arguments
        texts += _strings(node.args, ("args",))
    for path, text in texts:
        for number in PHONE_IN_TEXT.findall(text):
            digits = "".join(char for char in number if char.isdigit())
            if len(digits) >= 6 and digits not in known_numbers:
                checker.error(
                    display,
                    where(*path),
                    f"{node_id}: phone number "
                    f"'{number.strip()}' is not in content/data/contacts.yaml "
                    "(every number needs a source there)",
                )


def acronyms_in(text: str) -> tuple[str, ...]:
    """The acronyms a text uses (words in capitals: PMI, KP2MI, SIP3MI), in order of use."""
    return tuple(dict.fromkeys(ACRONYM.findall(MARKUP.sub("", text))))


def check_acronyms(
    checker: Checker, system: SystemSpec, nodes: dict[str, Node], sources: dict[str, Source]
) -> None:
    """Every acronym is in the glossary or explained where it is used, and explained at most
    once per page (the glossary holds the rest)."""
    glossary = nodes.get(system.glossary or "")
    if glossary is None:
        return
    known = {
        acronym
        for text in (getattr(glossary, "text", None) or {}).values()
        for acronym in acronyms_in(text)
    } | set(system.not_acronyms)
    for node_id, node in nodes.items():
        if node_id == system.glossary:
            continue
        source = sources[node_id]
        for lang, text in (getattr(node, "text", None) or {}).items():
            line = line_of(source.document, (node_id, "text", lang))
            for acronym in acronyms_in(text):
                if acronym in system.not_acronyms:
                    continue
                explained = len(re.findall(rf"\b{re.escape(acronym)}\s*\(", text))
                if acronym not in known and not explained:
                    checker.error(
                        source.display,
                        line,
                        f"{node_id}: '{acronym}' ({lang}) is not explained: add it to the "
                        f"glossary page '{system.glossary}', or explain it here once, "
                        f"'{acronym} (...)' (a word in capitals that is no acronym goes under "
                        "not_acronyms in system.yaml)",
                    )
                elif explained > 1:
                    checker.warn(
                        source.display,
                        line,
                        f"{node_id}: '{acronym}' ({lang}) is explained {explained} times; "
                        "once per page is enough",
                    )


def check_screen_budget(
    checker: Checker, display: str, node_id: str, node: Node, where: Where, budget: int
) -> None:
    """No single message over one screen (`screen_chars`): a page is split into screens by
    itself, but the text of a menu, a question or an action is one message."""
    if isinstance(node, PageNode):
        return
    for lang, text in (getattr(node, "text", None) or {}).items():
        if len(text) > budget:
            checker.error(
                display,
                where("text", lang),
                f"{node_id}: the '{lang}' text is {len(text)} characters; one message holds "
                f"at most {budget} (screen_chars): shorten it, or make it a page",
            )


def _strings(value: Any, path: KeyPath) -> list[tuple[KeyPath, str]]:
    """Every string inside nested arguments, with its path."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings(item, (*path, key))]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _strings(item, (*path, i))]
    return []
