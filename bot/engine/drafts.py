"""Drafts of unfinished forms: a report left in the middle is kept, and offered again.

Pure functions on a session; the engine calls them when a user leaves a form node
(by a keyword, a cry for help, a typed question or a timeout) and when it shows the
main menu.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine.session import Session
from bot.engine.spec import ActionNode, AskNode, FormSpec, Node


def form_of(node: Node | None) -> str | None:
    """The form a node belongs to, if any."""
    return node.form if isinstance(node, AskNode | ActionNode) else None


def keep(session: Session, node: Node | None, now: datetime) -> None:
    """Keep the user's place and answers in the form they are leaving."""
    form = form_of(node)
    if form and session.node:
        session.draft = {
            "form": form,
            "node": session.node,
            "stack": list(session.stack),
            "answers": dict(session.answers),
            "saved": now.isoformat(),
        }


def waiting(session: Session, forms: dict[str, FormSpec], now: datetime) -> FormSpec | None:
    """The form of a draft that is still kept; an expired or unknown one is forgotten."""
    draft = session.draft
    if not draft:
        return None
    spec = forms.get(str(draft.get("form")))
    try:
        saved = datetime.fromisoformat(str(draft.get("saved")))
    except ValueError:
        saved = None
    if spec is None or saved is None or now - saved > timedelta(hours=spec.keep_hours):
        session.draft = None
        return None
    return spec


def resume(session: Session, nodes: dict[str, Node]) -> bool:
    """Put the user back where the draft left off; False if its node no longer exists."""
    draft, session.draft = session.draft, None
    if not draft or draft.get("node") not in nodes:
        return False
    session.node = str(draft["node"])
    session.stack = [str(node) for node in draft.get("stack", []) if node in nodes]
    session.answers = dict(draft.get("answers") or {})
    session.screen = 0
    session.pending = ""
    session.offered = None
    return True
