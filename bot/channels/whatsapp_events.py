"""Reading WhatsApp Cloud API webhook notifications, and fetching the photos they announce.

A notification is untrusted JSON: every list and object is checked before it is used. This
module finds the `messages` changes meant for our phone number, tells who sent a message
(the phone-based wa_id and/or the business-scoped user id) and when, and downloads a photo a
user sent (retrying a transient Graph failure), keeping it only if its first bytes are an
image and the user's media quota allows it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.channels.graph_api import GraphClient, GraphError
from bot.channels.media import MediaQuota, keep_photo
from bot.messages import Media

log = logging.getLogger("bot.channels.whatsapp")  # one logger for the whole channel
MEDIA_MIMES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})
MEDIA_ATTEMPTS = 3


def dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list (nothing if `value` is not a list)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def message_values(envelope: dict[str, Any], phone_number_id: str) -> list[dict[str, Any]]:
    """The `value` of every messages change for our phone number (any number if
    `phone_number_id` is empty), in order; the errors a change reports are logged."""
    values = []
    for entry in dicts(envelope.get("entry")):
        for change in dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata")
            number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            if phone_number_id and number != phone_number_id:
                log.warning("WhatsApp event for another phone number id ignored")
                continue
            for error in dicts(value.get("errors")):
                log.error("WhatsApp error %s: %s", error.get("code"), error.get("title"))
            values.append(value)
    return values


def contact_of(contacts: list[dict[str, Any]], sender: str) -> dict[str, Any]:
    """The contact entry describing `sender` (the only one, if none names it)."""
    for contact in contacts:
        if sender in (contact.get("wa_id"), contact.get("user_id")):
            return contact
    return contacts[0] if len(contacts) == 1 else {}


def sender_ids(message: dict[str, Any], contact: dict[str, Any]) -> tuple[str, str]:
    """(wa_id, business-scoped user id) of a message's sender; either may be empty."""
    sender = str(message.get("from", ""))
    bsuid = str(contact.get("user_id") or "")
    wa_id = str(contact.get("wa_id") or (sender if sender.isdigit() else ""))
    if not wa_id and not bsuid:
        bsuid = sender
    return wa_id, bsuid


def message_time(message: dict[str, Any], now: datetime) -> datetime:
    """When the user sent the message (Meta's timestamp), never later than now."""
    try:
        sent = datetime.fromtimestamp(int(message["timestamp"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return now
    return min(sent, now)


class MediaFetcher:
    """Downloads the photos users send into the media directory, within the size cap and
    each user's quota."""

    def __init__(
        self, channel: str, graph: GraphClient, media_dir: Path, max_bytes: int, quota: MediaQuota
    ) -> None:
        self.channel = channel
        self.graph = graph
        self.media_dir = media_dir
        self.max_bytes = max_bytes
        self.quota = quota

    async def fetch(self, kind: str, content: dict[str, Any], user: str) -> Media | None:
        """Download a photo or document into the media directory; None if refused or failed."""
        media_id = str(content.get("id", ""))
        declared = str(content.get("mime_type", "")).split(";")[0].strip().lower()
        if not media_id or declared not in MEDIA_MIMES:
            log.info("WhatsApp %s of type %s not accepted", kind, declared or "-")
            return None
        data = await self._download(kind, media_id)
        if data is None:
            return None
        return keep_photo(
            data,
            quota=self.quota,
            user_key=f"{self.channel}:{user}",
            media_dir=self.media_dir,
            prefix="wa",
            channel="WhatsApp",
        )

    async def _download(self, kind: str, media_id: str) -> bytes | None:
        for attempt in range(MEDIA_ATTEMPTS):
            try:
                info = await self.graph.media_info(media_id)
                if info.size > self.max_bytes:
                    log.info("WhatsApp %s too large (%d bytes)", kind, info.size)
                    return None
                return await self.graph.download(info.url, self.max_bytes)
            except GraphError as error:
                if not error.retryable or attempt == MEDIA_ATTEMPTS - 1:
                    log.warning("WhatsApp %s not downloaded: %s", kind, error)
                    return None
                await asyncio.sleep(0.5 * 2**attempt)
        return None
