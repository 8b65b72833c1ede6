"""Subscriptions to alerts: `alerts_topics`, `alerts_subscribe`, `alerts_mine`, `alerts_stop`.

A user subscribes to new verified job listings of chosen countries or sectors (the codes
of `content/data/vocabulary.yaml`, as the listings use them) and to officers' warnings for
a kecamatan (the choices of the report form's kecamatan question, so the list lives in one
place). Only Telegram and WhatsApp can receive them: the web chat is told so. What is
kept is the chat id and the choice; "berhenti / stop" ends every
subscription at once, "hapus data" erases them.
"""

from __future__ import annotations

from typing import Any

from bot.actions import ActionContext, ActionResult, action
from bot.actions.wording import check_args, fill, pick
from bot.data import ContentData
from bot.effects import StopNotices, Subscribe
from bot.notices import REACHABLE_CHANNELS

TOPICS = ("country", "sector", "kecamatan")


def _topic(args: dict[str, Any], data: ContentData) -> list[str]:
    topic = args.get("topic")
    return [] if topic in TOPICS else [f"argument 'topic' must be one of {', '.join(TOPICS)}"]


@action(
    "alerts_topics",
    required=("topic", "save"),
    check_args=lambda args, data: check_args(answers=("save",))(args, data) + _topic(args, data),
    offers_choices=True,
)
async def alerts_topics(context: ActionContext) -> ActionResult:
    """The countries, sectors or kecamatan one can subscribe to, as choices."""
    topic = context.args["topic"]
    choices = [
        (label, {"topic": topic, "value": value})
        for value, label in topic_values(context, topic).items()
    ]
    return ActionResult(choices=choices, save=context.args["save"])


def topic_values(context: ActionContext, topic: str) -> dict[str, str]:
    """The values of a topic (codes, or kecamatan names) with their labels in the user's
    language."""
    vocabulary, lang = context.data.vocabulary, context.lang
    if topic == "country":
        return {code: vocabulary.country(code, lang) for code in vocabulary.countries}
    if topic == "sector":
        return {code: vocabulary.sector(code, lang) for code in vocabulary.sectors}
    return {name: name for name in context.data.kecamatan_names()}  # a name in any language


@action(
    "alerts_subscribe",
    required=("value_from", "done", "unreachable"),
    check_args=check_args(answers=("value_from",), texts=("done", "unreachable")),
)
async def alerts_subscribe(context: ActionContext) -> ActionResult:
    """Subscribe to the chosen topic and value; says what was subscribed. Refused, with
    `unreachable`, on a channel that cannot receive a message later (the web chat)."""
    if context.channel not in REACHABLE_CHANNELS:
        return ActionResult(texts=[pick(context.args["unreachable"], context.lang)])
    chosen = context.answers.get(context.args["value_from"])
    if not isinstance(chosen, dict) or chosen.get("topic") not in TOPICS:
        return ActionResult(failed=True)
    topic, value = chosen["topic"], str(chosen["value"])
    label = topic_values(context, topic).get(value)
    if label is None:  # the list changed since it was shown
        return ActionResult(failed=True)
    effect = Subscribe(context.channel, context.user, context.lang, topic, value)
    done = fill(pick(context.args["done"], context.lang), what=label)
    return ActionResult(texts=[done], effects=(effect,))


@action(
    "alerts_mine",
    required=("header", "none"),
    check_args=check_args(texts=("header", "none")),
)
async def alerts_mine(context: ActionContext) -> ActionResult:
    """The user's subscriptions, one a line."""
    store = context.needs_services().store
    mine = await store.subscriptions_of(context.channel, context.user)
    if not mine:
        return ActionResult(texts=[pick(context.args["none"], context.lang)])
    labels = {topic: topic_values(context, topic) for topic in TOPICS}
    lines = []
    for subscription in mine:
        known = {value.casefold(): label for value, label in labels[subscription.topic].items()}
        lines.append(f"- {known.get(subscription.value, subscription.value)}")
    return ActionResult(texts=[pick(context.args["header"], context.lang), "\n".join(lines)])


@action("alerts_stop", required=("done",), check_args=check_args(texts=("done",)))
async def alerts_stop(context: ActionContext) -> ActionResult:
    """End every subscription (what typing "berhenti / stop" does too)."""
    effect = StopNotices(context.channel, context.user)
    return ActionResult(texts=[pick(context.args["done"], context.lang)], effects=(effect,))
