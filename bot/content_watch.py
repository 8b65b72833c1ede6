"""The running bot picks up what the import commands wrote, then announces new listings.

`import-jobs` and `import-agencies` rewrite `content/data/jobs.csv` and `agencies.csv` in
one atomic step. Every `WATCH_EVERY_SECONDS` the server compares those files' modification
times with the ones it loaded; when one changed it reloads the content (as SIGHUP does; a
broken file keeps the current content). After each content the bot loads (at start, after
a reload by either path) it announces the new open job listings to their subscribers
(`bot.job_alerts`), so an alert never points at a listing the bot does not show yet.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from bot.content import Content
from bot.data.loading import AGENCIES, JOBS
from bot.job_alerts import announce_new_jobs
from bot.notice_wording import NoticeWording
from bot.runtime import Runtime

log = logging.getLogger(__name__)
WATCH_EVERY_SECONDS = 5.0
WATCHED = (JOBS, AGENCIES)  # the files the import commands write, under content/data/


class ContentWatch:
    """Reload when an import rewrote a registry; announce each loaded board's new listings."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._stamps = self._read()
        self._announced: Content | None = None  # the content whose listings were announced

    def _read(self) -> tuple[int, ...]:
        data = Path(self.runtime.content_dir) / "data"
        return tuple(_stamp(data / name) for name in WATCHED)

    async def check(self, now: datetime) -> int:
        """Reload if a watched file changed, then announce the new listings of a content
        not announced yet; returns the alerts queued."""
        stamps = self._read()
        if stamps != self._stamps:
            self._stamps = stamps
            log.info("an imported registry changed on disk: reloading the content")
            self.runtime.reload()
        content = self.runtime.content
        if content is self._announced:
            return 0
        wording = NoticeWording.of(content.flows.system)
        queued = await announce_new_jobs(self.runtime.store, content.data, wording, now)
        self._announced = content  # only once written: a failed write is tried again
        if queued:
            log.info("new job listings announced: %d alert(s) queued", queued)
            self.runtime.mailroom.wake_all()
        return queued


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0
