"""The console's routes: sign-in and sign-out, the queue, a case and its photos, the
statistics, the exports, and the console's own style and script (the departure planner's
routes are `planner_routes.py`'s, the admin's accounts page `account_routes.py`'s).

Routes (a public contract): `GET|POST /officer/login` (fields `username`, `password`,
`code`), `POST /officer/logout`, `POST /officer/logout-all`, `GET /officer`,
`GET /officer/queue/stamp`, `GET|POST /officer/case/{ref}`,
`GET /officer/case/{ref}/photo/{index}`, `GET /officer/stats`, `GET /officer/export.csv`,
`GET /officer/export.xlsx`, `GET /officer/calon`, `GET /officer/calon.csv`,
`GET /officer/calon.xlsx`, `GET|POST /officer/alert`, `GET|POST /officer/accounts` (admin),
`GET /officer/static/{console.css,console.js}`.

Every page but the sign-in needs a live session; every POST needs the form's CSRF token
(and, when the browser names an origin, this site's). A case, its photos and its actions
answer 404 alike for a report that does not exist and one outside the officer's area. Page
views, refusals and actions go to the audit log; nothing of a page is cached. When the
database fails under a page, the answer is a plain "try again" page (503).
"""

from __future__ import annotations

import asyncio
import functools
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from bot.channels.media import sniff_image
from bot.channels.webchat_session import limit_key
from bot.config import Config
from bot.console.account_routes import AccountRoutes
from bot.console.base import NO_STORE, Handler, download
from bot.console.case_page import MAX_TEXT, case_page
from bot.console.pages import not_found_page, queue_page, return_path, sign_in_page
from bot.console.planner_routes import PlannerRoutes
from bot.console.queries import read_filters, report_query
from bot.console.signin import (
    ANONYMOUS_ATTEMPT,
    COOKIE,
    LOGIN_COOKIE,
    SignedIn,
    audit_key,
    officer_id,
    same_token,
)
from bot.console.stats_page import period_days, stats_page
from bot.effects import ChangeReport, RelayToPerson
from bot.officers.charts import svg_charts
from bot.officers.exports import export_csv, export_xlsx
from bot.officers.statistics import officer_figures
from bot.records import ReportRecord
from bot.runtime import Runtime

REFERENCE = re.compile(r"^[A-Z]{2,6}-\d{4}-\d{5,}$")
ACTIONS = ("claim", "ask", "note", "close")
STATIC = Path(__file__).parent
ASSETS = {"console.css": "text/css", "console.js": "application/javascript"}


class OfficerConsole(PlannerRoutes, AccountRoutes):
    """The officers' web console on the server's aiohttp application."""

    @classmethod
    def from_config(cls, runtime: Runtime, config: Config) -> OfficerConsole:
        """The console as `config` says."""
        return cls(
            runtime, config.console, Path(config.media.dir), tuple(config.server.trusted_proxies)
        )

    def setup(self, app: web.Application) -> None:
        """Add the console's routes, each answering "try again" (503) when the database
        fails under it."""
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/officer/login", self.sign_in_form),
            ("POST", "/officer/login", self.sign_in),
            ("POST", "/officer/logout", self.sign_out),
            ("POST", "/officer/logout-all", self.sign_out_everywhere),
            ("GET", "/officer", self.queue),
            ("GET", "/officer/queue/stamp", self.stamp),
            ("GET", "/officer/case/{ref}", self.case),
            ("POST", "/officer/case/{ref}", self.act),
            ("GET", "/officer/case/{ref}/photo/{index:[0-9]{1,3}}", self.photo),
            ("GET", "/officer/stats", self.stats),
            ("GET", "/officer/export.{kind:csv|xlsx}", self.export),
            *self.planner_routes(),
            *self.account_routes(),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, path, self.guarded(handler))
        app.router.add_get("/officer/static/{name}", self.asset)

    # ----- signing in and out ---------------------------------------------------------------

    async def sign_in_form(self, request: web.Request) -> web.StreamResponse:
        """The sign-in page (or the queue, for a browser already signed in)."""
        after = return_path(request.query.get("next", ""))
        if await self._session(request):
            raise web.HTTPSeeOther(after or "/officer")
        return self._sign_in_page(request, "", after=after)

    def _sign_in_page(
        self, request: web.Request, message: str, status: int = 200, after: str = ""
    ) -> web.Response:
        token = secrets.token_urlsafe(24)
        html = sign_in_page(self._view(request), token, message, after)
        response = self._page(request, html, status)
        self._cookie(response, LOGIN_COOKIE, token, max_age=3600)
        return response

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        """Check the sign-in form; on success the session cookie, and on to the queue."""
        form = await self._form(request)
        view = self._view(request)
        after = return_path(form.get("next", ""))  # the page asked before signing in
        if not same_token(form.get("csrf", ""), request.cookies.get(LOGIN_COOKIE, "")):
            return self._sign_in_page(request, view.t("expired_form"), 403, after)
        address, _ = self.client_address.of(request)
        username = form.get("username", "").strip().lower()[:100]
        attempt = await self.gate.sign_in(
            username,
            form.get("password", ""),
            form.get("code", ""),
            limit_key(address),
        )
        account = attempt.account
        known_as = officer_id(account) if account else ANONYMOUS_ATTEMPT
        now = datetime.now(UTC)
        if attempt.outcome != "ok":
            if attempt.first:  # a flood of refusals is audited once per window
                who = f"client {audit_key(address)}, username {audit_key(username)}"
                await self.store.audit(known_as, f"web_sign_in_{attempt.outcome}", "", who, now)
            minutes = self.config.lock_minutes
            message = view.t(attempt.outcome, minutes=minutes)
            status = 429 if attempt.outcome == "busy" else 200
            return self._sign_in_page(request, message, status, after)
        await self.store.audit(known_as, "web_sign_in", "", "", now)
        response = web.HTTPSeeOther(after or "/officer")
        self._cookie(response, COOKIE, attempt.token)
        response.del_cookie(LOGIN_COOKIE, path="/officer")
        raise response

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        """End this browser's session."""
        return await self._end(request, everywhere=False)

    async def sign_out_everywhere(self, request: web.Request) -> web.StreamResponse:
        """End every session of the account, on every device."""
        return await self._end(request, everywhere=True)

    async def _end(self, request: web.Request, everywhere: bool) -> web.StreamResponse:
        signed = await self._signed(request)
        await self._checked_form(request, signed)
        await self.gate.sign_out(signed, everywhere)
        action = "web_sign_out_everywhere" if everywhere else "web_sign_out"
        await self._audit(signed, action)
        response = web.HTTPSeeOther("/officer/login")
        response.del_cookie(COOKIE, path="/officer")
        raise response

    # ----- the queue ------------------------------------------------------------------------

    async def queue(self, request: web.Request) -> web.StreamResponse:
        """The queue with the filters of the address."""
        signed = await self._signed(request)
        names = self.runtime.content.data.kecamatan_names()
        filters = read_filters(request.query, names)
        page = await self.store.search_reports(report_query(filters, signed.role))
        await self._audit(signed, "web_view_queue", detail=filters.link()[:200])
        view = self._view(request, signed)
        html = queue_page(view, filters, page, names, self.config.refresh_seconds)
        return self._page(request, html)

    async def stamp(self, request: web.Request) -> web.StreamResponse:
        """What the queue page polls: a stamp that changes when its area's reports do."""
        signed = await self._session(request, used=False)
        if signed is None:
            return web.json_response({"signed_in": False}, status=401, headers=NO_STORE)
        stamp = await self.store.queue_stamp(signed.role.area, signed.role.whole)
        return web.json_response({"stamp": stamp}, headers=NO_STORE)

    async def export(self, request: web.Request) -> web.StreamResponse:
        """The filtered queue as a CSV or XLSX download, built in memory."""
        signed = await self._signed(request)
        await self._export_allowed(request, signed)
        kind = request.match_info["kind"]
        filters = read_filters(request.query, self.runtime.content.data.kecamatan_names())
        page = await self.store.search_reports(report_query(filters, signed.role, export=True))
        if page.total > len(page.reports):  # never a file silently cut short
            await self._audit(
                signed, "web_export_refused", detail=f"{kind}: {page.total} reports match"
            )
            message = self._view(request, signed).t(
                "export_too_many", count=page.total, limit=len(page.reports)
            )
            self._refuse(request, signed, message, web.HTTPUnprocessableEntity)
        personal = signed.role.personal
        build = export_csv if kind == "csv" else export_xlsx
        body = await asyncio.to_thread(build, page.reports, personal)
        detail = (
            f"{kind}: {len(page.reports)} reports, personal fields {'yes' if personal else 'no'}"
        )
        await self._audit(signed, "web_export", detail=detail)
        return download(body, kind, "migran-aman")

    # ----- a case -----------------------------------------------------------------------

    async def case(self, request: web.Request) -> web.StreamResponse:
        """A case, if the officer may see it."""
        signed = await self._signed(request)
        report = await self._visible(request, signed)
        await self._audit(signed, "view", report.ref, "web")
        done = request.query.get("done", "")
        named = self.runtime.services.show_officer_name
        return self._page(request, case_page(self._view(request, signed), report, done, named))

    async def act(self, request: web.Request) -> web.StreamResponse:
        """Claim, ask, note or close, through the runtime as the Telegram buttons do."""
        signed = await self._signed(request)
        form = await self._checked_form(request, signed)
        report = await self._visible(request, signed)
        action = form.get("action", "")
        argument = form.get("outcome", "") if action == "close" else form.get("text", "")
        if action not in ACTIONS or len(argument) > MAX_TEXT:
            raise web.HTTPBadRequest(text="unknown action or text too long")
        form_id = f"{signed.account.id}:{form.get('form_id', '')[:40]}"
        answer = await self.runtime.officer_on_web(
            signed.officer, action, report.ref, argument, form_id
        )
        changed = any(isinstance(effect, ChangeReport | RelayToPerson) for effect in answer.effects)
        done = action if changed else "not"  # one notice per action: the reporter's channel,
        # or whether they erased their data, is not for every role to learn
        raise web.HTTPSeeOther(f"/officer/case/{report.ref}?done={done}")

    async def photo(self, request: web.Request) -> web.StreamResponse:
        """A case's photo by its place in the report, never by its file's name."""
        signed = await self._signed(request)
        report = await self._visible(request, signed)
        index = int(request.match_info["index"])
        if index >= len(report.photos):
            raise web.HTTPNotFound(headers=NO_STORE)
        path = Path(report.photos[index]).resolve()
        if not path.is_relative_to(self.media_dir) or not path.is_file():
            raise web.HTTPNotFound(headers=NO_STORE)
        data = await asyncio.to_thread(path.read_bytes)
        kind = sniff_image(data[:16])
        if kind is None:
            raise web.HTTPNotFound(headers=NO_STORE)
        await self._audit(signed, "web_view_photo", report.ref, str(index))
        return web.Response(body=data, content_type=kind[0], headers=NO_STORE)

    # ----- statistics ---------------------------------------------------------------------

    async def stats(self, request: web.Request) -> web.StreamResponse:
        """The charts of the officer's area over the chosen period."""
        signed = await self._signed(request)
        view = self._view(request, signed)
        days = period_days(request.query.get("days", ""))
        now = datetime.now(UTC)
        figures = await officer_figures(
            self.store,
            self.runtime.content,
            signed.role.area,
            now - timedelta(days=days),
            now,
            view.lang,
        )
        await self._audit(signed, "web_view_stats", detail=f"{days} days")
        return self._page(request, stats_page(view, svg_charts(figures, view.lang), days))

    async def asset(self, request: web.Request) -> web.StreamResponse:
        """The console's style sheet and script."""
        name = request.match_info["name"]
        if name not in ASSETS:
            raise web.HTTPNotFound()
        return web.Response(
            body=_asset(name),
            content_type=ASSETS[name],
            headers={"Cache-Control": "no-cache"},
        )

    # ----- helpers ------------------------------------------------------------------------

    async def _visible(self, request: web.Request, signed: SignedIn) -> ReportRecord:
        """The report of the address, if this officer may see it; else 404 (the same for a
        report that does not exist, so numbers outside the area cannot be probed)."""
        ref = request.match_info["ref"].upper()
        report = await self.store.report(ref) if REFERENCE.match(ref) else None
        if report is not None and signed.role.sees(report):
            return report
        if report is not None:
            await self._audit(signed, "refused", ref, "web: outside the officer's area")
        page = not_found_page(self._view(request, signed))
        raise web.HTTPNotFound(text=page, content_type="text/html", headers=NO_STORE)


@functools.cache
def _asset(name: str) -> bytes:
    """A console file (script or style), read once."""
    return (STATIC / name).read_bytes()
