"""One complete dialog turn: the pure engine step plus the actions it asks for.

Shared by the runtime (with the store around it) and by the transcript runner
(without one), so both walk content exactly the same way.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.actions import ActionContext, ActionResult, ActionSpec
from bot.content import Content
from bot.engine.session import Session, Turn
from bot.engine.step import DEFAULT_TIMEOUT, resume, step
from bot.messages import Inbound

if TYPE_CHECKING:  # for the annotation only: the store comes with the services at run time
    from bot.services import Services

log = logging.getLogger(__name__)
MAX_ACTIONS_PER_TURN = 5


async def run_turn(
    content: Content,
    actions: dict[str, ActionSpec],
    session: Session | None,
    inbound: Inbound,
    timeout: timedelta = DEFAULT_TIMEOUT,
    services: Services | None = None,
) -> Turn:
    """Step the engine and run the actions it names until the turn is complete."""
    now = inbound.time
    turn = step(content.flows, session, inbound, now, timeout)
    for _ in range(MAX_ACTIONS_PER_TURN):
        if turn.action is None or turn.session is None:
            return turn
        context = ActionContext(
            lang=turn.session.lang,
            args=turn.action.args,
            answers=dict(turn.session.answers),
            data=content.data,
            now=now,
            channel=inbound.channel,
            user=inbound.user,
            update_id=inbound.update_id,
            services=services,
            flows=content.flows,
            client=inbound.client,
        )
        result = await _run_action(content, actions[turn.action.name], context)
        turn = resume(content.flows, turn, result, now)
    log.error("more than %d actions chained in one turn; stopping", MAX_ACTIONS_PER_TURN)
    return turn


async def _run_action(content: Content, spec: ActionSpec, context: ActionContext) -> ActionResult:
    try:
        return await spec.run(context)
    except Exception:
        log.exception("action %s failed", spec.name)
        return ActionResult(texts=[content.flows.message("failure", context.lang)], failed=True)
