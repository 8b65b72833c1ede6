"""The officers' side: report cards, the queue commands, relaying questions to reporters.

Officers work in Telegram (their group chat and private chat with the bot). The
officer texts are Indonesian only: officers are regency staff.
"""
