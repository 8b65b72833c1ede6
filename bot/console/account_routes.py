"""The console's routes for account administration (`GET|POST /officer/accounts`), for an
account with role `admin` only: any other role gets the 404 of a case outside its area, and
the attempt is audited.

The checks are the command line's (`bot.console.accounts`, `bot.console.roles`,
`bot.console.passwords`), and every change is written to the audit log as the command line
writes it, under the admin who made it. A form's one-time id is held while its change runs
and kept as an answered update afterwards, so the same form sent twice changes once. An
account changed here is signed out everywhere (the store ends its sessions). An admin
cannot disable their own account, so the one who disables another admin is an active admin
still: the last active admin is never disabled from here.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.console.accounts import (
    ADDED,
    account_changes,
    added_detail,
    audit_action,
    places,
)
from bot.console.accounts_page import (
    DONE,
    PATH,
    TELEGRAM_DIGITS,
    NewAccount,
    Places,
    accounts_page,
    secret_page,
)
from bot.console.base import NO_STORE, ConsoleBase, Handler
from bot.console.pages import not_found_page
from bot.console.passwords import MAX_PASSWORD, MIN_PASSWORD, hash_password, totp_uri
from bot.console.roles import checked_username, parse_role
from bot.console.signin import CHANNEL, SignedIn
from bot.records import OfficerAccount, TelegramIdTaken

CHANGES = ("disable", "enable", "reset-password", "require-totp", "link-telegram")
UNLINK = "unlink-telegram"  # "link-telegram" to no id, as the command line's 0
FORM_ID_CHARS = 40
TELEGRAM_ID = re.compile(rf"[0-9]{{1,{TELEGRAM_DIGITS}}}")


class Refused(Exception):
    """A change that is not made: the text key of the reason, and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class AccountRoutes(ConsoleBase):
    """The admin's accounts page and its forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._forms_running: set[str] = set()

    def account_routes(self) -> list[tuple[str, str, Handler]]:
        """(method, path, handler) of each route of this group."""
        return [("GET", PATH, self.accounts), ("POST", PATH, self.change_account)]

    async def accounts(self, request: web.Request) -> web.StreamResponse:
        """Every account with its forms; after a change, what was done."""
        signed = await self._admin(request)
        view = self._view(request, signed)
        done, who = request.query.get("done", ""), request.query.get("who", "")[:40]
        notice = view.t(f"acc_done_{done}", who=who) if done in DONE else ""
        await self._audit(signed, "web_view_accounts")
        return await self._list(request, signed, notice=notice)

    async def change_account(self, request: web.Request) -> web.StreamResponse:
        """Add, disable, enable, reset a password, require an app code, link or unlink
        Telegram; then back to the list (or, for an app code, its secret shown once)."""
        signed = await self._admin(request)
        form = await self._checked_form(request, signed)
        action = form.get("action", "")
        form_id = form.get("form_id", "")[:FORM_ID_CHARS]
        if action not in (*CHANGES, UNLINK, "add") or not form_id:
            raise web.HTTPBadRequest(text="unknown change")
        key = f"accounts:{signed.account.id}:{form_id}"
        if key in self._forms_running:  # sent again while the first is still running
            raise web.HTTPSeeOther(f"{PATH}?done=twice")
        self._forms_running.add(key)
        try:
            if (await self.store.begin_turn(CHANNEL, "", key)).processed:
                raise web.HTTPSeeOther(f"{PATH}?done=twice")
            try:
                answer = await self._change(request, signed, action, form)
            except Refused as refused:
                problem = self._view(request, signed).t(refused.key, **refused.values)
                filled = _filled(form) if action == "add" else None
                return await self._list(request, signed, problem=problem, filled=filled)
            await self.store.commit_effects(CHANNEL, key, datetime.now(UTC), [])
        finally:
            self._forms_running.discard(key)
        if isinstance(answer, str):
            raise web.HTTPSeeOther(answer)
        return answer

    async def _change(
        self, request: web.Request, signed: SignedIn, action: str, form: dict[str, str]
    ) -> web.Response | str:
        """Make one change, audited; the answer: the secret's page, or the address to go
        on to."""
        if action == "add":
            return _done("added", await self._add(signed, form))
        username = form.get("username", "").strip().lower()[:40]
        target = await self.store.officer_account(username)
        if target is None:
            raise Refused("acc_no_account", who=username)
        command = "link-telegram" if action == UNLINK else action
        changes = await self._changes(signed, target, action, form)
        try:
            if not await self.store.update_account(username, **changes):
                raise Refused("acc_no_account", who=username)
        except TelegramIdTaken as taken:
            raise Refused("acc_telegram_taken") from taken
        await self._audit(signed, audit_action(command), detail=username)
        if command == "require-totp":
            secret = str(changes["totp_secret"])
            uri = totp_uri(secret, username)
            return self._page(
                request, secret_page(self._view(request, signed), username, secret, uri)
            )
        return _done(command.replace("-", "_"), username)

    async def _add(self, signed: SignedIn, form: dict[str, str]) -> str:
        """Add the account of the form (checked as the command line checks it); its name."""
        filled = _filled(form)
        try:
            username = checked_username(filled.username)
        except ValueError as error:
            raise Refused("acc_bad_username") from error
        try:
            role = parse_role(filled.role_text(), *places(self.runtime.content.data))
        except ValueError as error:
            raise Refused("acc_bad_role") from error
        password_hash = await _hashed(form)
        now = datetime.now(UTC)
        if not await self.store.create_account(username, password_hash, str(role), now):
            raise Refused("acc_exists", who=username)
        await self._audit(signed, ADDED, detail=added_detail(username, str(role)))
        return username

    async def _changes(
        self, signed: SignedIn, target: OfficerAccount, action: str, form: dict[str, str]
    ) -> dict[str, object]:
        """The columns a change of `target` writes, once the change is allowed."""
        if action == "disable" and target.id == signed.account.id:
            raise Refused("acc_self_disable")  # so the admin acting stays: never the last
        if action == "reset-password":
            return {"password_hash": await _hashed(form)}
        if action == "link-telegram":
            telegram_id = form.get("telegram_id", "").strip()
            if not TELEGRAM_ID.fullmatch(telegram_id) or not int(telegram_id):
                raise Refused("acc_bad_telegram")
            return account_changes(action, telegram_id=int(telegram_id))
        if action == UNLINK:
            return account_changes("link-telegram", telegram_id=0)
        return account_changes(action)

    async def _admin(self, request: web.Request) -> SignedIn:
        """The request's session if its account is an admin's; else the 404 a case outside
        the officer's area gets, audited."""
        signed = await self._signed(request)
        if signed.role.kind == "admin":
            return signed
        await self._audit(signed, "refused", "", f"web: {request.method} {PATH}, not an admin")
        page = not_found_page(self._view(request, signed))
        raise web.HTTPNotFound(text=page, content_type="text/html", headers=NO_STORE)

    async def _list(
        self,
        request: web.Request,
        signed: SignedIn,
        notice: str = "",
        problem: str = "",
        filled: NewAccount | None = None,
    ) -> web.Response:
        accounts = await self.store.officer_accounts()
        names, desa = places(self.runtime.content.data)
        every_desa = tuple(sorted({name for village in desa.values() for name in village}))
        view = self._view(request, signed)
        html = accounts_page(
            view, accounts, Places(names, every_desa), datetime.now(UTC), notice, problem, filled
        )
        return self._page(request, html, 400 if problem else 200)


def _done(done: str, username: str) -> str:
    """The list's address saying what was done to whom."""
    return f"{PATH}?{urlencode({'done': done, 'who': username})}"


def _filled(form: dict[str, str]) -> NewAccount:
    """The add form's fields (not the passwords), cut to size."""
    return NewAccount(
        username=form.get("username", "")[:60],
        kind=form.get("kind", "")[:20],
        kecamatan=form.get("kecamatan", "")[:100],
        desa=form.get("desa", "")[:100],
    )


async def _hashed(form: dict[str, str]) -> str:
    """The hash of the form's new password, typed the same twice (hashed off the event
    loop: it is slow on purpose)."""
    password = form.get("password", "")
    if password != form.get("again", ""):
        raise Refused("acc_passwords_differ")
    try:
        return await asyncio.to_thread(hash_password, password)
    except ValueError as error:
        raise Refused("acc_bad_password", min=MIN_PASSWORD, max=MAX_PASSWORD) from error
