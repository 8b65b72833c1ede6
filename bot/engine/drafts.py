"""Drafts of unfinished forms: a report left in the middle is kept, and offered again.

Pure functions on a session; the engine calls them when a user leaves a form node
(by a keyword, a cry for help, a typed question or a timeout) and when it shows the
main menu. A session keeps at most one draft per form.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine.session import Session
from bot.engine.spec import ActionNode, AskNode, FormSpec, Node


def form_of(node: Node | None) -> str | None:
    """The form a node belongs to, if any."""
    return node.form if isinstance(node, AskNode | ActionNode) else None


def started(session: Session, node: Node | None, nodes: dict[str, Node]) -> bool:
    """Whether the user is in a form past its first step (something would be lost)."""
    form = form_of(node)
    return bool(form) and any(form_of(nodes.get(earlier)) == form for earlier in session.stack)


def keep(session: Session, node: Node | None, nodes: dict[str, Node], now: datetime) -> None:
    """Keep the user's place and answers in the form they are leaving, if it was started."""
    form = form_of(node)
    if form and session.node and started(session, node, nodes):
        session.drafts = {
            **session.drafts,
            form: {
                "node": session.node,
                "stack": list(session.stack),
                "answers": dict(session.answers),
                "saved": now.isoformat(),
            },
        }


def finish(session: Session, form: str) -> None:
    """The form was sent (or left by its own buttons): its draft is no longer needed."""
    if form in session.drafts:
        session.drafts = {name: d for name, d in session.drafts.items() if name != form}


def waiting(session: Session, forms: dict[str, FormSpec], now: datetime) -> list[str]:
    """The forms whose drafts are still kept; expired or unknown ones are forgotten."""
    alive = {}
    for form, draft in session.drafts.items():
        spec = forms.get(form)
        try:
            saved = datetime.fromisoformat(str(draft.get("saved")))
        except ValueError:
            continue
        if spec is not None and now - saved <= timedelta(hours=spec.keep_hours):
            alive[form] = draft
    if len(alive) != len(session.drafts):
        session.drafts = alive
    return list(alive)


def resume(session: Session, form: str, nodes: dict[str, Node]) -> bool:
    """Put the user back where the draft left off; False if its node no longer exists."""
    draft = session.drafts.get(form)
    finish(session, form)
    if not draft or draft.get("node") not in nodes:
        return False
    session.node = str(draft["node"])
    session.stack = [str(node) for node in draft.get("stack", []) if node in nodes]
    session.answers = dict(draft.get("answers") or {})
    session.screen = 0
    session.pending = ""
    session.offered = None
    return True
