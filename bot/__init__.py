"""Migran Aman: a safe-migration chatbot for Kabupaten Serang (Telegram, WhatsApp, web chat).

How a message flows through the package is drawn in README.md ("How it works").
"""
