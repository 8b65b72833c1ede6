"""The store: the one package that owns SQLite (schema, migrations and every query).

`Store` is what the rest of the bot holds. It is put together from one class per concern,
each in its own module over the shared writer thread of `database.py`:

| module        | concern                                                                  |
|---------------|--------------------------------------------------------------------------|
| `database`    | the connection, its writer thread, group commit, `healthy()`              |
| `migrations`  | the schema, as numbered migrations (`migration_18`, `_21`: own modules)   |
| `turns`       | `load_session`, `begin_turn`, `commit_turn`, `commit_effects`,           |
|               | `skip_update`                                                            |
| `effects`     | writing a turn's effects (`bot.effects`) inside its transaction: a       |
|               | report filed and numbered, relays, officers' changes, audit lines        |
| `queues`      | the inbox (`inbox_put/pending/failed/drop`) and the outbox (`enqueue`,   |
|               | `due_outbox`, `next_outbox_time`, `outbox_sent/retry/dead`)              |
| `reports`     | `report`, `open_reports`, `export_reports`, `report_stats`, the caps     |
| `casework`    | the desk's reads (`officer_prompt`, backlog, `correspondent`), urgent    |
|               | reminders                                                                |
| `relays`      | who is behind a report's or a registration's number, their thread, an    |
|               | officer's message to them (`RelayToPerson`)                              |
| `contacts`    | WhatsApp contacts: ids, the 24-hour window, held messages, statuses      |
| `questions`   | the log of questions the bot could not answer                            |
| `subscriptions` | subscriptions to alerts, the stop word, notices queued (`send_notices`)|
| `registrations` | plans of people who will work abroad, their steps, their follow-up   |
| `refs`        | registrations' numbers (`CPMI-2026-00012`), never given twice            |
| `retention`   | `prune`, `erase_report_personal_data`, `media_in_use`                    |
| `statistics`  | `tally`: the counts behind the officers' charts (`bot.figures`)          |
| `accounts`    | the web console's accounts, sign-in failures, sessions, page-view audit  |
| `search`      | the web console's queue: filtered, area-limited pages with counts        |

**The interface a second backend implements** (PostgreSQL, for many workers behind a load
balancer) is the public async methods of `Store`, with the records of `bot.records` in and
out, and these promises:

- every method is one transaction: it happens whole or not at all, and its future resolves
  only once the data is durable; a failure raises `StoreError`;
- `commit_turn` writes a turn's session (or erases the user), its effects, its queued
  messages and the answered update id together, so a crash redoes a turn whole or not at all;
  `commit_effects` does the same for a turn without a session (an officer's action), and
  skips an update answered already;
- an officer's change (`ChangeReport`) that expects a status the report no longer has
  raises `Conflict` and writes nothing of its turn; a message that opens a relay is queued
  only while the number still belongs to that user (and, for a registration, while the
  person allows officers to write);
- answered update ids are kept hashed (`rows.update_key`), never in clear;
- a user's messages leave the outbox in the order they were queued (urgent officer cards
  first), and one slow user never holds up another;
- the audit log is append-only.

No caller code runs inside a transaction: callers pass data (records and effects), never
callbacks.
"""

from __future__ import annotations

from bot.records import StoreError
from bot.store.accounts import AccountStore
from bot.store.casework import CaseworkStore
from bot.store.contacts import ContactStore
from bot.store.questions import QuestionStore
from bot.store.queues import QueueStore
from bot.store.registrations import RegistrationStore
from bot.store.reports import ReportStore
from bot.store.retention import RetentionStore
from bot.store.search import SearchStore
from bot.store.statistics import StatisticsStore
from bot.store.subscriptions import SubscriptionStore
from bot.store.turns import TurnStore

__all__ = ["Store", "StoreError"]


class Store(
    TurnStore,
    QueueStore,
    ReportStore,
    CaseworkStore,
    ContactStore,
    QuestionStore,
    RegistrationStore,
    RetentionStore,
    SubscriptionStore,
    AccountStore,
    SearchStore,
    StatisticsStore,
):
    """Sessions, queues, reports, contacts and logs in one SQLite file."""
