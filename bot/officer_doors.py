"""The runtime's officer doors: an officer's button, message or web-console action run
through the desk (`bot.officers.desk`), its effects committed in one transaction with the
answered update (or the web form's one-time id), so an action sent twice is done once.

`OfficerDoors` is part of `Runtime` (a base class), kept apart so that each stays small; it
uses the runtime's store, desk and mailroom.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.effects import ChangeReport, QueueMessages, RelayToPerson
from bot.mailroom import Mailroom
from bot.messages import Reply
from bot.officers.desk import DeskAnswer, Officer, OfficerDesk
from bot.officers.views import EXPORTS
from bot.records import Conflict, Envelope, StoreError
from bot.services import Services
from bot.store import Store


class OfficerDoors:
    """Officers' input from Telegram and from the web console, committed whole."""

    store: Store
    services: Services
    desk: OfficerDesk
    mailroom: Mailroom

    async def officer_pressed(self, officer: Officer, data: str, update_id: str) -> DeskAnswer:
        """An officer button pressed (or any button, by anyone: the desk decides). Not
        handled: the dialog's button."""
        return await self._officer_turn(
            officer, update_id, lambda: self.desk.press_button(officer, data)
        )

    async def officer_wrote(
        self, officer: Officer, text: str, replying_to: str, update_id: str
    ) -> DeskAnswer:
        """A message in the officers' chat or an officer's command or answer to a prompt.
        Not handled: the dialog's message."""
        return await self._officer_turn(
            officer, update_id, lambda: self.desk.read_message(officer, text, replying_to)
        )

    async def officer_on_web(
        self, officer: Officer, action: str, ref: str, argument: str, form_id: str
    ) -> DeskAnswer:
        """An action on the web console (see `OfficerDesk.act_on_web`). When it changed the
        case or reached the reporter, the officers' chat (when one is configured) gets the
        lines the Telegram buttons give ("✋ … mengambil …", the card as it is now, "✅ …
        ditutup …"), so both doors see one desk; nothing is queued for the web officer.
        `form_id` is the form's one-time id: sent twice, once."""

        async def act() -> DeskAnswer:
            return self._announced(await self.desk.act_on_web(officer, action, ref, argument))

        return await self._officer_turn(officer, form_id, act, queue_replies=False)

    def _announced(self, answer: DeskAnswer) -> DeskAnswer:
        """`answer` with its replies queued for the officers' chat, if it changed anything
        (a refusal or "already closed" stays on the web page)."""
        chat = self.services.officer_chat_id
        changed = any(isinstance(e, ChangeReport | RelayToPerson) for e in answer.effects)
        if chat is None or not changed:
            return answer
        channel = self.services.officer_channel
        envelopes = tuple(Envelope(channel, str(chat), r.to_dict()) for r in answer.replies)
        answer.effects.append(QueueMessages(envelopes))
        return answer

    async def officer_alert_on_web(
        self, officer: Officer, target: str, text: str, form_id: str
    ) -> DeskAnswer:
        """An alert drafted on the web console: its preview (`DeskAnswer.alert`), the draft
        kept. `form_id` is the form's one-time id: sent twice, one draft."""
        return await self._officer_turn(
            officer,
            form_id,
            lambda: self.desk.alert_on_web(officer, target, text, form_id),
            queue_replies=False,
        )

    async def officer_confirm_alert_on_web(
        self, officer: Officer, key: str, send: bool, form_id: str
    ) -> DeskAnswer:
        """The web console's send (`send`) or cancel of the alert previewed under `key`;
        what is sent is queued in this transaction, once however often confirmed."""
        return await self._officer_turn(
            officer,
            form_id,
            lambda: self.desk.confirm_alert(officer, key, send),
            queue_replies=False,
        )

    async def _officer_turn(
        self,
        officer: Officer,
        update_id: str,
        act: Callable[[], Awaitable[DeskAnswer]],
        queue_replies: bool = True,
    ) -> DeskAnswer:
        """Run the desk and commit its effects, its replies (queued for the officer's chat)
        and the answered update in one transaction. When another officer changed the report
        meanwhile, nothing of the action is written: the officer is told how it stands."""
        answer = await act()
        if not answer.handled:
            return answer
        try:
            await self._commit_desk(officer, update_id, answer, queue_replies)
        except Conflict as conflict:
            answer = await self.desk.changed_meanwhile(conflict.ref)
            await self._commit_desk(officer, update_id, answer, queue_replies)
        except StoreError:
            _discard_exports(answer.replies)  # not sent: names and numbers must not stay
            raise
        self.mailroom.wake_all()  # an officer's action may queue messages to reporters
        return answer

    async def _commit_desk(
        self, officer: Officer, update_id: str, answer: DeskAnswer, queue_replies: bool
    ) -> None:
        chat = str(officer.chat_id)
        replies = tuple(Envelope(officer.channel, chat, r.to_dict()) for r in answer.replies)
        effects = [*answer.effects, QueueMessages(replies if queue_replies else ())]
        await self.store.commit_effects(officer.channel, update_id, datetime.now(UTC), effects)

    async def remind_officers(self, now: datetime) -> None:
        """Announce again the urgent reports nobody claimed in time."""
        if await self.desk.remind_unclaimed_urgent(now):
            self.mailroom.wake(self.services.officer_channel)


def _discard_exports(replies: list[Reply]) -> None:
    """Delete the export files of replies that will not be sent."""
    for reply in replies:
        if reply.media and Path(reply.media).parent.name == EXPORTS:
            Path(reply.media).unlink(missing_ok=True)
