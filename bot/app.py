"""Assembly: build the store, content and runtime from a `Config`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.actions import load_actions
from bot.config import Config
from bot.content import load_checked_content
from bot.limits import Throttle
from bot.runtime import Runtime
from bot.services import Services
from bot.store import Store, StoreError

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_runtime(config: Config, flood_limit: bool = False) -> AsyncIterator[Runtime]:
    """A ready runtime with its store open; the store is closed on exit. With `flood_limit`
    (the server, not the console) it throttles users as `config.flood` says."""
    actions = load_actions()
    content_dir = Path(config.content.dir)
    content = load_checked_content(content_dir, actions)
    store = Store(config.database.path)
    await store.open()
    try:
        try:
            await store.prune(datetime.now(UTC), config.session.retention_days)
        except StoreError as error:  # e.g. a full disk: serve anyway, prune again later
            log.error("pruning at start-up failed: %s", error)
        throttle = None
        if flood_limit and config.flood.burst:
            throttle = Throttle(config.flood.burst, config.flood.per_minute)
        yield Runtime(
            store=store,
            content=content,
            actions=actions,
            content_dir=content_dir,
            timeout=timedelta(minutes=config.session.timeout_minutes),
            services=Services.from_config(store, config),
            throttle=throttle,
        )
    finally:
        await store.close()
