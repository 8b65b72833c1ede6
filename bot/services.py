"""What actions with side effects and the officers' desk need: the store and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Config
from bot.limits import Throttle
from bot.notices import QuietHours
from bot.store import Store

REPORTS_PER_HOUR = 5  # per user, and (x4) per client address: beyond it nothing is filed


@dataclass(frozen=True)
class Services:
    """Shared by the runtime's actions and the officer desk."""

    store: Store
    report_prefix: str = "SRG"
    officer_chat_id: int | None = None
    officer_channel: str = "telegram"  # the channel of the officers' chat
    officer_ids: frozenset[int] = field(default_factory=frozenset)
    show_officer_name: bool = False  # relayed questions and answers are signed with it
    urgent_reannounce_minutes: int = 30
    report_retention_days: int = 365
    question_retention_days: int = 180
    reports_per_hour: int = REPORTS_PER_HOUR
    reports_by_address: Throttle = field(default_factory=lambda: hourly(4 * REPORTS_PER_HOUR))
    # in memory too: "hapus data" empties the reports' user column, not this count
    reports_by_user: Throttle = field(default_factory=lambda: hourly(REPORTS_PER_HOUR))
    media_dir: Path = Path("data/media")
    quiet_hours: QuietHours | None = None  # when notices wait (see `bot.notices`)
    notice_key_days: int = 90  # a sent notice's key is kept this long
    held_notice_days: int = 14  # a held job alert or reminder is dropped after this long
    planner_reminder_days: int = 14  # a step open this long gets one reminder
    planner_retention_days: int = 180  # a plan is anonymised this long after its departure
    planner_undated_retention_days: int = 545  # or, with no month planned, after it was saved

    @classmethod
    def from_config(cls, store: Store, config: Config) -> Services:
        """Services for a running bot."""
        return cls(
            store=store,
            report_prefix=config.reports.prefix,
            officer_chat_id=config.officers.chat_id,
            officer_channel=config.officers.channel,
            officer_ids=frozenset(config.officers.telegram_ids),
            show_officer_name=config.officers.show_name_to_reporters,
            urgent_reannounce_minutes=config.reports.urgent_reannounce_minutes,
            report_retention_days=config.reports.retention_days,
            question_retention_days=config.questions.retention_days,
            reports_per_hour=config.reports.per_user_per_hour,
            reports_by_address=hourly(config.reports.per_address_per_hour),
            reports_by_user=hourly(config.reports.per_user_per_hour),
            media_dir=Path(config.media.dir),
            quiet_hours=QuietHours(config.notices.quiet_from, config.notices.quiet_until),
            notice_key_days=config.notices.key_retention_days,
            held_notice_days=config.notices.held_days,
            planner_reminder_days=config.planner.reminder_days,
            planner_retention_days=config.planner.retention_days_after_departure,
            planner_undated_retention_days=config.planner.retention_days_without_departure,
        )


def hourly(limit: int) -> Throttle:
    """At most `limit` events an hour per key (all at once, then refilled over the hour)."""
    return Throttle(limit, limit / 60)
