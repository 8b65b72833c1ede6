"""The officers' slash commands: `/queue`, `/report`, `/export`, `/stats`, `/alert`, `/calon`,
`/tanya` and `/batal`. The desk hands a command here once it knows the officer may use it; each
command returns its replies and the effects to commit (an audit line, a prompt cleared, an
alert's draft)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.content import Content
from bot.effects import AuditLine, ClearPrompt, Effect
from bot.messages import Reply
from bot.officers import alerts, candidates, relay, views
from bot.officers.cards import card
from bot.services import Services

COMMANDS = ("/queue", "/report", "/export", "/stats", "/alert", "/calon", "/tanya", "/batal")
TANYA_USAGE = "Pakai: /tanya CPMI-2026-00012 (lalu balas pesannya), atau /tanya NOMOR pesan"


async def run(
    officer_id: int,
    chat_id: int,
    command: str,
    argument: str,
    content: Content,
    services: Services,
) -> tuple[list[Reply], list[Effect]]:
    """What `command` (one of COMMANDS) with `argument` answers, and what it changes."""
    store = services.store
    now = datetime.now(UTC)
    if command == "/batal":
        if await store.officer_prompt(officer_id, chat_id) is None:
            return [Reply("Tidak ada yang perlu dibatalkan.")], []
        return [Reply("Dibatalkan.")], [ClearPrompt(officer_id, chat_id)]
    if command == "/alert":
        draft = await alerts.preview_alert(store, content, officer_id, argument, now)
        return draft.replies, list(draft.effects)
    if command == "/calon":  # the people of an area who registered a plan
        registrations = await store.registrations()
        replies, audit = candidates.calon(
            officer_id, argument, registrations, content.data, services
        )
        return replies, [audit]
    if command == "/tanya":  # write to a registered person (or a reporter) by their number
        ref, _, text = argument.partition(" ")
        if not relay.REFERENCE.fullmatch(ref.upper()):
            return [Reply(TANYA_USAGE)], []
        if text.strip():
            return await relay.send(store, content.flows, officer_id, ref.upper(), text.strip())
        return await relay.prompt(store, officer_id, chat_id, ref.upper())
    if command == "/queue":
        replies, audit = views.queue_view(officer_id, await store.open_reports())
        return replies, [audit]
    if command == "/report":
        report = await store.report(argument.upper())
        if report is None:
            return [Reply("Pakai: /report SRG-2026-00042")], []
        return [card(report), *relay.thread_view(report.ref, report.messages, "pelapor")], [
            AuditLine(officer_id, "view", report.ref)
        ]
    if command == "/export":
        period = views.export_period(argument, now)
        if period is None:
            usage = "Pakai: /export 2026-01-01 2026-01-31 (tanpa tanggal: 30 hari terakhir)"
            return [Reply(usage)], []
        reports = await store.export_reports(*period)
        replies, audit = views.write_export(officer_id, reports, *period, services.media_dir)
        return replies, [audit]
    return await views.stats_view(store, content, services.media_dir, now), []
