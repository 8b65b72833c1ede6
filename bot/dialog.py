"""One complete dialog turn: the pure engine step plus the actions it asks for.

Shared by the runtime (with the store around it) and by the transcript runner
(without one), so both walk content exactly the same way. A "berhenti / stop" that ends
notices (`StopNotices`) is said here, where the store can tell whether the person had any:
someone with nothing to stop is not told "🔕 stopped".
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.actions import ActionContext, ActionResult, ActionSpec
from bot.content import Content
from bot.effects import StopNotices
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
            return await _tell_stop(turn, content, services)
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


async def _tell_stop(turn: Turn, content: Content, services: Services | None) -> Turn:
    """Begin the reply to a stop with what it ended, when it ended something (without a
    store: always); a stop that ends nothing is not written either."""
    stops = [effect for effect in turn.effects if isinstance(effect, StopNotices) and effect.tell]
    if not stops or not turn.replies:
        return turn
    stop, plan = stops[0], False
    if services is not None:
        stoppable = await services.store.stoppable(stop.channel, stop.user)
        if not stoppable.any:
            turn.effects = [effect for effect in turn.effects if effect is not stop]
            return turn
        plan = stoppable.plan
    lang = turn.session.lang if turn.session else content.flows.default_language
    said = content.flows.message("notices_stopped_plan" if plan else "notices_stopped", lang)
    first = turn.replies[0]
    turn.replies[0] = replace(first, text=f"{said}\n\n{first.text}")
    return turn


async def _run_action(content: Content, spec: ActionSpec, context: ActionContext) -> ActionResult:
    try:
        return await spec.run(context)
    except Exception:
        log.exception("action %s failed", spec.name)
        return ActionResult(texts=[content.flows.message("failure", context.lang)], failed=True)
