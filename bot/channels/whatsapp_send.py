"""Delivering replies on WhatsApp: what the outbox worker's `send` does for the adapter.

A reply is rendered (see `whatsapp_render`) into one or more Graph messages; Graph errors
become the outbox's `RetryLater` or `Undeliverable`, and after a retryable failure the next
attempt resumes at the message that failed. More than 24 hours after the user's last message
WhatsApp accepts only templates: the user's messages are then held (outbox status 'held')
until they write again, after inviting them back once with the configured template, if any.
A notice (a message sent unasked: see `bot.notices`) goes out then as the approved template
configured for its kind, carrying its text, when there is one; otherwise it is held too.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.channels.graph_api import GraphClient, GraphError
from bot.channels.whatsapp_render import render
from bot.config import WhatsAppConfig
from bot.delivery import RetryLater, Undeliverable
from bot.mailroom import Mailroom
from bot.messages import Reply
from bot.records import WhatsAppContact

log = logging.getLogger("bot.channels.whatsapp")  # one logger for the whole channel
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=5)  # clocks differ; do not send in the window's last minutes
Clock = Callable[[], datetime]
GONE_CODES = frozenset({131026})
"""Graph errors saying the number cannot receive WhatsApp messages at all ("Message
Undeliverable": not on WhatsApp, or its terms not accepted): nothing more is sent unasked."""
TEMPLATE_PARAMETER_MAX = 900  # of the template body's 1024: the template's own words


def template_text(text: str) -> str:
    """A notice's text as a template parameter: WhatsApp refuses new lines, tabs and more
    than four spaces in a row there, and a template body over 1024 characters."""
    return " ".join(text.split())[:TEMPLATE_PARAMETER_MAX]


def recipient(wa_id: str, bsuid: str) -> dict[str, str]:
    """The addressing of a send: the phone-based wa_id, else the business-scoped id."""
    return {"to": wa_id} if wa_id else {"recipient": bsuid}


class WhatsAppDelivery:
    """Sends replies through the Graph API, minding the 24-hour window."""

    def __init__(
        self, graph: GraphClient, mailroom: Mailroom, config: WhatsAppConfig, clock: Clock
    ) -> None:
        self.graph = graph
        self.mailroom = mailroom
        self.config = config
        self.clock = clock
        self._progress: dict[tuple[str, str], int] = {}

    async def send(self, user: str, reply: Reply) -> None:
        """Deliver one queued reply (the outbox worker's send); raises RetryLater/Undeliverable."""
        contact = await self.mailroom.whatsapp_contact(user)
        if contact is None or not (contact.wa_id or contact.bsuid):
            raise Undeliverable("no WhatsApp id is known for this user")
        to = recipient(contact.wa_id, contact.bsuid)
        if self.clock() - contact.last_inbound_at >= WINDOW - WINDOW_MARGIN:
            template = self._notice_template(reply)
            if template:
                await self._send_template(to, template)
                return
            if await self._hold(contact):
                raise RetryLater("held until the user writes again: 24-hour window closed")
        await self.deliver(to, user, reply)

    def _notice_template(self, reply: Reply) -> dict[str, Any] | None:
        """The approved template that carries this notice outside the window (its text as
        the one body parameter), or None: not a notice, or no template for its kind."""
        notice = reply.notice
        if not notice or not (name := self.config.notice_templates.get(notice.kind)):
            return None
        language = self.config.notice_template_languages.get(notice.lang, notice.lang)
        parameter = {"type": "text", "text": template_text(reply.text)}
        return {
            "type": "template",
            "template": {
                "name": name,
                "language": {"code": language},
                "components": [{"type": "body", "parameters": [parameter]}],
            },
        }

    async def _send_template(self, to: dict[str, str], template: dict[str, Any]) -> None:
        try:
            await self.graph.send(to, template)
        except GraphError as error:
            if not error.retryable:
                raise Undeliverable(f"template: {error}") from error
            raise RetryLater(f"template: {error}", error.retry_after) from error

    async def _hold(self, contact: WhatsAppContact) -> bool:
        """Hold the user's messages, inviting them back with the template once; False if
        they wrote in the meantime (then the message can go out now)."""
        if contact.held == 0 and self.config.template_name:
            template = {
                "type": "template",
                "template": {
                    "name": self.config.template_name,
                    "language": {"code": self.config.template_language},
                },
            }
            try:
                await self.graph.send(recipient(contact.wa_id, contact.bsuid), template)
            except GraphError as error:
                if error.retryable:
                    raise RetryLater(f"template: {error}", error.retry_after) from error
                log.error("WhatsApp template %s refused: %s", self.config.template_name, error)
        cutoff = self.clock() - (WINDOW - WINDOW_MARGIN)
        held = await self.mailroom.whatsapp_hold(contact.user_ref, cutoff)
        if held:
            log.info("WhatsApp 24-hour window closed: messages held until the user writes")
        return held

    async def deliver(self, to: dict[str, str], user: str, reply: Reply) -> None:
        """Send the messages of one reply to `to` (see `recipient`); after a retryable
        failure, resume where it broke."""
        messages = render(reply, self.config.list_button)
        digest = hashlib.blake2b(json.dumps(messages).encode(), digest_size=8).hexdigest()
        key = (user, digest)
        for index in range(self._progress.pop(key, 0), len(messages)):
            try:
                await self.graph.send(to, messages[index])
            except GraphError as error:
                if not error.retryable:
                    raise Undeliverable(str(error), gone=error.code in GONE_CODES) from error
                if index:
                    self._progress[key] = index
                raise RetryLater(str(error), error.retry_after) from error
