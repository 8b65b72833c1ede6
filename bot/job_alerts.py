"""Job alerts: subscribers hear of the new listings that match them, once the running bot
has loaded them (`bot.content_watch`: after `import-jobs`, or any reload).

A listing matches a subscriber of its country or of its sector. Each subscriber gets one
message listing their new matches (at most `MAX_LISTED`, then "and N more"), keyed by
the listings' numbers; the listings announced are recorded in the database with the alerts,
so loading the same file again tells nobody twice, and a failed write is announced on the
next pass. A sample board (`# sample: true`) is never announced.

The wording is content (`job_alert`, `job_alert_line`, `job_alert_more` in system.yaml, see
`bot.notice_wording`); an alert names as many vacancies as fit one screen, the SAMPEL note
included, and counts the rest.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from bot.actions.wording import day, sample_note
from bot.data import ContentData
from bot.data.jobs import Job
from bot.data.vocabulary import Vocabulary
from bot.notice_wording import NoticeWording
from bot.notices import JAKARTA, Notice
from bot.records import Subscription
from bot.store import Store

MAX_LISTED = 5  # vacancies named in one alert, at most (fewer if one screen holds fewer)


def job_notices(
    jobs: list[Job],
    subscribers: list[Subscription],
    wording: NoticeWording,
    vocabulary: Vocabulary,
    sample: bool,
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
        text = alert_text(found, wording, vocabulary, lang, sample)
        notices.append(Notice(channel, user, lang, "jobs", text, key))
    return notices


def alert_text(
    jobs: list[Job], wording: NoticeWording, vocabulary: Vocabulary, lang: str, sample: bool
) -> str:
    """The alert for `jobs` in `lang`: the first vacancies that fit one screen (at least
    one, at most MAX_LISTED), then how many more."""
    lines = [
        wording.text(
            "job_alert_line",
            lang,
            position=job.position,
            country=vocabulary.country(job.country, lang),
            sector=vocabulary.sector(job.sector, lang),
            employer=job.employer,
            closes=day(job.closes),
        )
        for job in jobs[:MAX_LISTED]
    ]
    note = f"\n{sample_note(lang)}" if sample else ""
    room = wording.screen_chars - wording.frame("job_alert", lang) - len(note)
    listings = _fitting(
        lines, len(jobs), room, lambda count: wording.text("job_alert_more", lang, count=count)
    )
    return wording.text("job_alert", lang, listings=listings) + note


def _fitting(lines: list[str], total: int, room: int, more: Callable[[int], str]) -> str:
    """As many of `lines` as fit in `room` characters with the "and N more" line for the
    rest of `total` (the first line even if it does not fit)."""
    chosen = lines[:1]
    for count in range(2, len(lines) + 1):
        if len(_listing(lines[:count], total, more)) > room:
            break
        chosen = lines[:count]
    return _listing(chosen, total, more)


def _listing(lines: list[str], total: int, more: Callable[[int], str]) -> str:
    rest = total - len(lines)
    return "\n".join([*lines, more(rest)] if rest else lines)


async def announce_new_jobs(
    store: Store, data: ContentData, wording: NoticeWording, now: datetime
) -> int:
    """Tell the subscribers of the open listings of the loaded board that were not announced
    yet, and record them as announced in the same transaction; returns how many alerts were
    queued. A sample board is announced to nobody (its listings are not real vacancies)."""
    board = data.jobs
    jobs = board.open(now.astimezone(JAKARTA).date(), data.agencies) if board.loaded else []
    fresh = await store.unannounced_listings([job.ref for job in jobs])
    if fresh is None:  # the first pass after migration 21: known already
        await store.announce_listings([], [job.ref for job in jobs], now)
        return 0
    if board.sample or not fresh:
        return 0
    new = [job for job in jobs if job.ref in fresh]
    subscribers = await store.subscribers("country", [job.country for job in new])
    subscribers += await store.subscribers("sector", [job.sector for job in new])
    notices = job_notices(new, subscribers, wording, data.vocabulary, board.sample)
    return await store.announce_listings(notices, fresh, now)
