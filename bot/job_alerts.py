"""Job alerts: after `import-jobs`, subscribers hear of the new listings that match them.

A listing matches a subscriber of its country or of its sector. Each subscriber gets one
message listing their new matches (at most `MAX_LISTED`, then "and N more"), keyed by
the listings' numbers, so importing the same file again tells nobody twice. Listings of
sample data say so in the alert, as everywhere else.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from bot.actions.wording import day, pick, sample_note
from bot.data.jobs import Job
from bot.data.vocabulary import Vocabulary
from bot.notices import Notice
from bot.records import Subscription
from bot.store import Store

MAX_LISTED = 5
TEXTS = {
    "header": {
        "id": "🔔 Lowongan terverifikasi baru untuk Anda:",
        "en": "🔔 New verified vacancies for you:",
    },
    "line": {
        "id": "- *{position}*, {country} ({sector}), {employer}. Ditutup {closes}.",
        "en": "- *{position}*, {country} ({sector}), {employer}. Closes {closes}.",
    },
    "more": {"id": "... dan {count} lainnya.", "en": "... and {count} more."},
    "footer": {
        "id": "Lihat rincian dan cara melamar di menu *Lowongan resmi*. Ketik *berhenti* untuk "
        "berhenti berlangganan.",
        "en": "See the details and how to apply in *Official vacancies*. Type *stop* to stop "
        "these alerts.",
    },
}
"""The alert's wording, like the listings' labels in `bot.actions.jobs`."""


def job_notices(
    jobs: list[Job], subscribers: list[Subscription], vocabulary: Vocabulary, sample: bool
) -> list[Notice]:
    """One notice per subscriber listing the new jobs of their countries and sectors."""
    matches: dict[tuple[str, str], list[Job]] = defaultdict(list)
    langs: dict[tuple[str, str], str] = {}
    for subscription in subscribers:
        who = (subscription.channel, subscription.user)
        langs[who] = subscription.lang
        for job in jobs:
            field = job.country if subscription.topic == "country" else job.sector
            if field.casefold() == subscription.value and job not in matches[who]:
                matches[who].append(job)
    notices = []
    for (channel, user), found in matches.items():
        lang = langs[(channel, user)]
        refs = ",".join(sorted(job.ref for job in found))
        key = "jobs:" + hashlib.blake2b(refs.encode(), digest_size=8).hexdigest()
        text = alert_text(found, vocabulary, lang, sample)
        notices.append(Notice(channel, user, lang, "jobs", text, key))
    return notices


def alert_text(jobs: list[Job], vocabulary: Vocabulary, lang: str, sample: bool) -> str:
    """The alert for `jobs` in `lang`."""
    lines = [pick(TEXTS["header"], lang)]
    for job in jobs[:MAX_LISTED]:
        line = pick(TEXTS["line"], lang).format(
            position=job.position,
            country=vocabulary.country(job.country, lang),
            sector=vocabulary.sector(job.sector, lang),
            employer=job.employer,
            closes=day(job.closes),
        )
        lines.append(line)
    if len(jobs) > MAX_LISTED:
        lines.append(pick(TEXTS["more"], lang).format(count=len(jobs) - MAX_LISTED))
    lines.append(pick(TEXTS["footer"], lang))
    if sample:
        lines.append(sample_note(lang))
    return "\n".join(lines)


async def announce_jobs(
    database: Path, jobs: list[Job], vocabulary: Vocabulary, sample: bool, now: datetime
) -> int:
    """Tell the subscribers of `jobs`' countries and sectors; returns how many were queued.
    The running bot's outbox sends them (it looks for due messages every few seconds)."""
    if not jobs:
        return 0
    store = Store(database)
    await store.open()
    try:
        subscribers = await store.subscribers("country", [job.country for job in jobs])
        subscribers += await store.subscribers("sector", [job.sector for job in jobs])
        notices = job_notices(jobs, subscribers, vocabulary, sample)
        return await store.send_notices(notices, now)
    finally:
        await store.close()
