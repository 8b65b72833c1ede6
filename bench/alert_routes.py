"""The bench server's routes for the alert benchmark (`bench/alerts.py`): subscribers put in
the store, then an officer's `/alert` previewed and confirmed through the real desk.

- `POST /bench/subscribe?channel=telegram|whatsapp&users=N&first=F`: N users subscribe to
  warnings for one kecamatan in one transaction (the `Subscribe` effects the alerts flow
  commits); on WhatsApp each is first a contact who wrote just now (inside the 24-hour
  window), as `whatsapp_seen` records a user's message.
- `POST /bench/alert-preview`: the officer types `/alert <kecamatan> <text>` in the officers'
  group (`Runtime.officer_wrote`, as the Telegram adapter calls it); the preview is queued
  to the group with its "send" button.
- `POST /bench/alert-confirm`: the officer presses that button (`Runtime.officer_pressed`):
  the desk reads the subscribers and commits one notice each; answered once committed.

Only the officer's Telegram updates are skipped (their parsing is the webhook bench's
business); everything from the desk on is the real path.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiohttp import web

from bot.effects import Subscribe
from bot.messages import Reply
from bot.officers.desk import Officer
from bot.runtime import Runtime

OFFICER_ID = 4242
OFFICER_CHAT = -1001234
KECAMATAN = "Cikande"
ALERT_TEXT = (
    "Hati-hati: PT Contoh Palsu menawarkan kerja ke Taiwan dan meminta uang pendaftaran "
    "lewat WhatsApp. Itu penipuan. Jangan bayar apa pun; tanya Disnaker dulu."
)


def officers_settings() -> dict[str, object]:
    """The `officers` section of the bench server's config."""
    return {"telegram_ids": [OFFICER_ID], "chat_id": OFFICER_CHAT}


def add_alert_routes(app: web.Application, runtime: Runtime) -> None:
    """Add the three routes above to the bench server's app."""
    officer = Officer("telegram", OFFICER_ID, "Bench officer", OFFICER_CHAT)
    previews: list[Reply] = []

    async def subscribe(request: web.Request) -> web.Response:
        channel = request.query["channel"]
        users, first = int(request.query["users"]), int(request.query["first"])
        refs = [str(first + i) for i in range(users)]
        now = datetime.now(UTC)
        if channel == "whatsapp":
            await asyncio.gather(*(runtime.mailroom.whatsapp_seen(ref, "", now) for ref in refs))
        effects = [Subscribe(channel, ref, "id", "kecamatan", KECAMATAN) for ref in refs]
        await runtime.store.commit_effects(channel, "", now, list(effects))
        return web.Response(text="subscribed")

    async def preview(request: web.Request) -> web.Response:
        text = f"/alert {KECAMATAN} {ALERT_TEXT}"
        answer = await runtime.officer_wrote(officer, text, "", "bench-alert-preview")
        previews[:] = answer.replies
        return web.Response(text="previewed")

    async def confirm(request: web.Request) -> web.Response:
        send = previews[0].options[0].id  # "Kirim ke N orang"
        await runtime.officer_pressed(officer, send, "bench-alert-confirm")
        return web.Response(text="queued")

    app.router.add_post("/bench/subscribe", subscribe)
    app.router.add_post("/bench/alert-preview", preview)
    app.router.add_post("/bench/alert-confirm", confirm)
