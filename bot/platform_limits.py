"""The platforms' documented limits that both the content check and the renderers obey.

Each limit is written here once: `bot.content_checks` warns when a label is over one,
and the renderers in `bot.channels` choose the richest form that fits within them.
Lengths are in characters.
"""

from __future__ import annotations

# WhatsApp Cloud API: interactive messages
WHATSAPP_MAX_BUTTONS = 3  # reply buttons in one message
WHATSAPP_BUTTON_TITLE = 20  # a reply button's title
WHATSAPP_MAX_ROWS = 10  # rows in a list message
WHATSAPP_ROW_TITLE = 24  # a list row's title
WHATSAPP_ROW_DESCRIPTION = 72  # a list row's description
WHATSAPP_ID = 200  # a button's or row's id
WHATSAPP_BODY = 1024  # an interactive message's body text

# WhatsApp Cloud API: text messages
WHATSAPP_TEXT = 4096  # a text message's body

# Telegram Bot API
TELEGRAM_TEXT = 4096  # a message's text, after entities (HTML tags) are parsed
TELEGRAM_BUTTON_TEXT = 64  # longer inline keyboard labels are cut
