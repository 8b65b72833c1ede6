"""Registrations of people who plan to work abroad: their plan, their ticked steps, the
follow-up, and their end (deleted by the person, or anonymised when their time is up).

One registration per account (channel and user). Its effects (`SaveRegistration`,
`SaveSteps`, `DeleteRegistration`, `FollowedUp`) are written inside the turn's
transaction by `apply_registration`; the reads serve the person's own checklist, the
follow-up pass and the officers' lists.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import sqlite_utils

from bot.effects import DeleteRegistration, FollowedUp, SaveRegistration, SaveSteps
from bot.records import Registration
from bot.store.database import Database
from bot.store.refs import next_registration_ref
from bot.store.rows import to_json

RegistrationEffect = SaveRegistration | SaveSteps | DeleteRegistration | FollowedUp
FIELDS = (
    "for_whom",
    "name",
    "kecamatan",
    "desa",
    "desa_code",
    "country",
    "sector",
    "recruiter",
    "recruiter_licence",
    "recruiter_status",
    "departure",
    "lang",
    "show_name",
    "contact",
)
"""The columns a registration (or a change of it) sets."""
COLUMNS = (
    "id, channel, user_ref, for_whom, name, kecamatan, desa, country, sector, recruiter, "
    "recruiter_licence, recruiter_status, departure, lang, show_name, contact, steps_done, "
    "current_step, current_since, reminded_step, reminded_at, warned_status, created_at, "
    "desa_code, ref"
)
ACTIVE = "anonymised_at IS NULL"


class RegistrationStore(Database):
    """Reads of registrations, and their retention."""

    async def registration(self, channel: str, user: str) -> Registration | None:
        """The registration made from this account, or None."""

        def read(db: sqlite_utils.Database) -> Registration | None:
            row = db.execute(
                f"SELECT {COLUMNS} FROM registrations WHERE channel = ? AND user_ref = ?",
                [channel, user],
            ).fetchone()
            return _record(row) if row else None

        return await self._call(read)

    async def registrations(self, kecamatan: str = "", desa: str = "") -> list[Registration]:
        """The active registrations (of one kecamatan, or one desa of it), by kecamatan,
        desa and name."""

        def read(db: sqlite_utils.Database) -> list[Registration]:
            where, values = [ACTIVE], []
            if kecamatan:
                where.append("kecamatan = ? COLLATE NOCASE")
                values.append(kecamatan)
            if desa:
                where.append("desa = ? COLLATE NOCASE")
                values.append(desa)
            rows = db.execute(
                f"SELECT {COLUMNS} FROM registrations WHERE {' AND '.join(where)} "
                "ORDER BY kecamatan, desa, created_at",
                values,
            ).fetchall()
            return [_record(row) for row in rows]

        return await self._call(read)

    async def registrations_to_follow(self, open_since: datetime) -> list[Registration]:
        """The active registrations the follow-up looks at: a recruiter to watch in the
        registry, or a step open since before `open_since` that was not reminded of."""

        def read(db: sqlite_utils.Database) -> list[Registration]:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM registrations WHERE {ACTIVE} AND user_ref IS NOT NULL "
                "AND (recruiter_licence != '' OR (current_step != '' AND current_since < ? "
                "AND reminded_step IS NOT current_step))",
                [open_since.isoformat()],
            ).fetchall()
            return [_record(row) for row in rows]

        return await self._call(read)

    async def registration_counts(self) -> list[tuple[str, str, int]]:
        """How many people registered per kecamatan and desa, anonymised ones included
        (the statistics outlive the personal data)."""

        def read(db: sqlite_utils.Database) -> list[tuple[str, str, int]]:
            rows = db.execute(
                "SELECT kecamatan, desa, COUNT(*) FROM registrations GROUP BY kecamatan, desa "
                "ORDER BY kecamatan, desa"
            ).fetchall()
            return [(str(k), str(d), int(n)) for k, d, n in rows]

        return await self._call(read)

    async def anonymise_registrations(
        self, departed_before: date, undated_before: datetime, now: datetime
    ) -> int:
        """Anonymise the registrations whose planned departure was before `departed_before`,
        or, without a planned month ("belum tahu"), that were last saved before
        `undated_before`: the account, the name and the recruiter go; the place,
        destination, kind of work and steps stay for the statistics. Returns how many."""

        def write(db: sqlite_utils.Database) -> int:
            ended = (
                "(CASE WHEN COALESCE(departure, '') = '' THEN updated_at < ? "
                "ELSE departure < ? END)"
            )
            ending = f"SELECT id FROM registrations WHERE {ACTIVE} AND {ended}"
            before = [undated_before.isoformat(), departed_before.isoformat()]
            db.execute(
                f"DELETE FROM registration_messages WHERE registration_id IN ({ending})", before
            )
            db.execute(
                f"DELETE FROM relays WHERE report_ref IN (SELECT ref FROM registrations "
                f"WHERE id IN ({ending}))",
                before,
            )
            return int(
                db.execute(
                    "UPDATE registrations SET channel = NULL, user_ref = NULL, name = NULL, "
                    "recruiter = NULL, recruiter_licence = NULL, anonymised_at = ? "
                    f"WHERE {ACTIVE} AND {ended}",
                    [now.isoformat(), *before],
                ).rowcount
            )

        return await self._call(write, checkpoint=True)


def apply_registration(
    db: sqlite_utils.Database, effect: RegistrationEffect, now: datetime
) -> None:
    """Write one registration effect inside the caller's transaction."""
    if isinstance(effect, SaveRegistration):
        _save(db, effect, now)
    elif isinstance(effect, SaveSteps):
        db.execute(
            "UPDATE registrations SET steps_done = ?, updated_at = ?, current_since = "
            "CASE WHEN current_step IS ? THEN current_since ELSE ? END, current_step = ? "
            f"WHERE channel = ? AND user_ref = ? AND {ACTIVE}",
            [
                to_json(effect.done),
                now.isoformat(),
                effect.current_step,
                now.isoformat(),
                effect.current_step,
                effect.channel,
                effect.user,
            ],
        )
    elif isinstance(effect, DeleteRegistration):
        erase_registration(db, effect.channel, effect.user)
    else:
        if effect.reminded_step:
            db.execute(
                "UPDATE registrations SET reminded_step = ?, reminded_at = ? WHERE id = ?",
                [effect.reminded_step, now.isoformat(), effect.registration_id],
            )
        if effect.warned_status:
            db.execute(
                "UPDATE registrations SET warned_status = ? WHERE id = ?",
                [effect.warned_status, effect.registration_id],
            )


def erase_registration(db: sqlite_utils.Database, channel: str, user: str) -> None:
    """Delete the registration made from this account ("hapus data", or on request), its
    thread with officers, a conversation with them about it that is open, and the keys of
    the reminders and warnings it was sent."""
    mine = "SELECT id FROM registrations WHERE channel = ? AND user_ref = ?"
    db.execute(
        f"DELETE FROM registration_messages WHERE registration_id IN ({mine})", [channel, user]
    )
    _close_relay(db, channel, user)
    db.execute("DELETE FROM registrations WHERE channel = ? AND user_ref = ?", [channel, user])
    db.execute(
        "DELETE FROM notice_keys WHERE channel = ? AND user_ref = ? AND key LIKE 'plan:%'",
        [channel, user],
    )


def _close_relay(db: sqlite_utils.Database, channel: str, user: str) -> None:
    """End an officer's conversation with this account about its registration."""
    db.execute(
        "DELETE FROM relays WHERE channel = ? AND user_ref = ? AND report_ref IN "
        "(SELECT ref FROM registrations WHERE channel = ? AND user_ref = ?)",
        [channel, user, channel, user],
    )


def _save(db: sqlite_utils.Database, effect: SaveRegistration, now: datetime) -> None:
    values: dict[str, Any] = {name: effect.fields[name] for name in FIELDS}
    values["show_name"] = int(bool(values["show_name"]))
    values["contact"] = int(bool(values["contact"]))
    departure = values["departure"]  # a date, as ISO; "" when she does not know yet
    values["departure"] = departure.isoformat() if departure else ""
    current = str(effect.fields.get("current_step", ""))
    if not values["contact"]:  # contact withdrawn: an open conversation ends now
        _close_relay(db, effect.channel, effect.user)
    known = db.execute(
        "SELECT ref FROM registrations WHERE channel = ? AND user_ref = ? AND ref IS NOT NULL",
        [effect.channel, effect.user],
    ).fetchone()
    ref = known[0] if known else next_registration_ref(db, now.year)
    columns = ", ".join(FIELDS)
    marks = ", ".join("?" * len(FIELDS))
    updates = ", ".join(f"{name} = excluded.{name}" for name in FIELDS)
    db.execute(
        f"INSERT INTO registrations (channel, user_ref, {columns}, steps_done, current_step, "
        f"current_since, warned_status, created_at, updated_at, ref) VALUES (?, ?, {marks}, "
        "'{}', ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, user_ref) WHERE user_ref IS NOT NULL "
        f"DO UPDATE SET {updates}, updated_at = excluded.updated_at, warned_status = "
        "excluded.warned_status, current_since = CASE WHEN current_step IS "
        "excluded.current_step THEN current_since ELSE excluded.current_since END, "
        "current_step = excluded.current_step",
        [
            effect.channel,
            effect.user,
            *values.values(),
            current,
            now.isoformat(),
            values["recruiter_status"],  # told in the registering turn itself
            now.isoformat(),
            now.isoformat(),
            ref,
        ],
    )


def _record(row: tuple[Any, ...]) -> Registration:
    (
        id_,
        channel,
        user,
        for_whom,
        name,
        kecamatan,
        desa,
        country,
        sector,
        recruiter,
        licence,
        status,
        departure,
        lang,
        show_name,
        contact,
        steps_done,
        current_step,
        current_since,
        reminded_step,
        reminded_at,
        warned_status,
        created_at,
        desa_code,
        ref,
    ) = row
    return Registration(
        id=int(id_),
        channel=channel or "",
        user=user or "",
        for_whom=for_whom or "self",
        name=name or "",
        kecamatan=kecamatan or "",
        desa=desa or "",
        country=country or "other",
        sector=sector or "other",
        recruiter=recruiter or "",
        recruiter_licence=licence or "",
        recruiter_status=status or "none",
        departure=date.fromisoformat(departure) if departure else None,
        lang=lang or "id",
        show_name=bool(show_name),
        contact=bool(contact),
        done=json.loads(steps_done) if steps_done else {},
        current_step=current_step or "",
        current_since=datetime.fromisoformat(current_since),
        reminded_step=reminded_step or "",
        reminded_at=datetime.fromisoformat(reminded_at) if reminded_at else None,
        warned_status=warned_status or "",
        created_at=datetime.fromisoformat(created_at) if created_at else None,
        desa_code=desa_code or "",
        ref=ref or "",
    )
