"""Typed questions in the engine: reading them, picking everyday answers, logging what failed.

The understanding (`bot.understanding`) says what a message means; these helpers turn
that into the engine's acts and into the question log content authors read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.understanding import Everyday, Route, Understanding

_LONG_NUMBER = re.compile(r"\+?\d[\d\s\-.]{5,}\d")
_EMAIL = re.compile(r"\S+@\S+")
ANSWER_VALUES: dict[str, tuple[Any, ...]] = {
    "yes": (True, "yes"),
    "no": (False, "no"),
    "unsure": ("unknown", "unsure"),
}
ACT_ANSWERS = {"delete_yes": "yes", "delete_no": "no", "leave": "yes", "stay": "no"}


def question_key(text: str, now: datetime, update_id: str) -> str:
    """A key that ties a later choice to a logged question; a one-way hash that names
    nobody, unique per message (two people asking the same in the same second differ)."""
    raw = f"{now.isoformat()}|{update_id}|{text}".encode()
    return hashlib.blake2b(raw, digest_size=12, person=b"ma-question").hexdigest()


def scrub(text: str) -> str:
    """The question without phone numbers or e-mail addresses, for the authors' log."""
    return _EMAIL.sub("[email]", _LONG_NUMBER.sub("[nomor]", " ".join(text.split())))[:500]


def everyday_pick(
    understanding: Understanding,
    kinds: Sequence[Everyday],
    choices: Sequence[tuple[str, tuple[Any, ...]]],
    confirming: bool = False,
) -> tuple[Any, ...] | None:
    """The act an everyday answer (its `kinds`, from `Understanding.answer_kinds`) means
    among the choices ("gak" -> the "Tidak" button).

    With `confirming` (a node whose options have one way forward, such as "Kirim ke
    petugas"), "ya" / "ok" / "lanjut" take that way; an option whose content `means` yes
    or no is taken by that answer wherever it is.
    """
    for kind in kinds:
        by_value = [act for _, act in choices if _valued(act, kind)]
        if len(by_value) == 1:  # the answer's value decides before its label ("Sudah, lanjut")
            return by_value[0]
        matches = [act for label, act in choices if _means(understanding, label, act, kind)]
        if len(matches) == 1:
            return matches[0]
        forward = [act for _, act in choices if act[0] == "goto"]
        if confirming and kind in ("yes", "next") and len(forward) == 1:
            return forward[0]
    return None


def _valued(act: tuple[Any, ...], kind: Everyday) -> bool:
    """Whether an act's value says `kind` (an answer True/"yes", "Ya, hapus", ...)."""
    name: str = act[0]
    if name == "goto":  # a link is a yes or a no only when the content says so
        return len(act) > 2 and act[2] == kind
    if kind == "next":
        return name == "next"
    if name in ACT_ANSWERS:
        return ACT_ANSWERS[name] == kind
    return name in ("answer", "pick") and any(
        act[1] is value or (isinstance(value, str) and act[1] == value)
        for value in ANSWER_VALUES[kind]
    )


def _means(understanding: Understanding, label: str, act: tuple[Any, ...], kind: Everyday) -> bool:
    if _valued(act, kind):
        return True
    if kind == "next" or act[0] not in ("answer", "pick"):
        return False  # a menu link or a guess is never picked by "ya" for its wording
    words = understanding.normaliser.words(label)
    if kind == "no" and understanding.everyday.starts(words, "unsure"):
        return False  # "Tidak tahu" is not "Tidak"
    return understanding.everyday.starts(words, kind)


def route_list(routes: Sequence[Route]) -> list[list[Any]]:
    """Routes in a JSON-ready form, for the session."""
    return [[route.target, route.node, [list(pair) for pair in route.answers]] for route in routes]


def route_from(data: Sequence[Any]) -> Route:
    """The inverse of one item of `route_list`."""
    target, node, answers = data
    return Route(str(target), str(node), tuple((str(k), v) for k, v in answers))
