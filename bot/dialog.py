"""One complete dialog turn: the pure engine step plus the actions it asks for.

Shared by the runtime (with the store around it) and by the transcript runner
(without one), so both walk content exactly the same way.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.actions import ActionContext, ActionResult, ActionSpec
from bot.content import Content
from bot.engine.session import Session, Turn
from bot.engine.step import DEFAULT_TIMEOUT, resume, step
from bot.messages import Inbound

log = logging.getLogger(__name__)
MAX_ACTIONS_PER_TURN = 5


async def run_turn(
    content: Content,
    actions: dict[str, ActionSpec],
    session: Session | None,
    inbound: Inbound,
    timeout: timedelta = DEFAULT_TIMEOUT,
) -> Turn:
    """Step the engine and run the actions it names until the turn is complete."""
    now = inbound.time
    turn = step(content.flows, session, inbound, now, timeout)
    for _ in range(MAX_ACTIONS_PER_TURN):
        if turn.action is None or turn.session is None:
            return turn
        result = await _run_action(
            content, actions, turn.session, turn.action.name, turn.action.args, now
        )
        turn = resume(content.flows, turn, result, now)
    log.error("more than %d actions chained in one turn; stopping", MAX_ACTIONS_PER_TURN)
    return turn


async def _run_action(
    content: Content,
    actions: dict[str, ActionSpec],
    session: Session,
    name: str,
    args: dict,
    now: datetime,
) -> ActionResult:
    spec = actions[name]
    context = ActionContext(
        lang=session.lang, args=args, answers=dict(session.answers), data=content.data, now=now
    )
    try:
        return await spec.run(context)
    except Exception:
        log.exception("action %s failed", name)
        return ActionResult(texts=[content.flows.message("failure", session.lang)])
