"""What every console route shares: the session of a request, forms with their CSRF token,
the audit log, the page's language, HTML responses, downloads, and the plain "try again"
page (503) when the database fails under a page.

`ConsoleBase` is the base class of `OfficerConsole` (`web.py`) and of its route groups; it
holds the runtime (the console's only way to storage), the settings and the sign-in gate.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from aiohttp import hdrs, web

from bot.channels.base import Channel, read_capped
from bot.channels.webchat_session import ClientAddress, same_origin
from bot.config import ConsoleConfig
from bot.console.markup import Html, el
from bot.console.pages import View, frame
from bot.console.signin import COOKIE, Gate, SignedIn, same_token
from bot.console.texts import LANGUAGES
from bot.limits import Throttle
from bot.officers.exports import EXPORT_TYPES
from bot.records import StoreError
from bot.runtime import Runtime

log = logging.getLogger(__name__)
FORM_BYTES = 16_384
LANG_COOKIE = "ma_lang"
NO_STORE = {"Cache-Control": "no-store"}
EXPORTS_PER_MINUTE = 5  # downloads per account (a burst of 5, then one every 12 s)
REFRESH_HEADER = "X-Refresh"  # "1" on the queue script's own fetches: not the officer's use
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ConsoleBase(Channel):
    """The console's shared state and helpers."""

    name = "officer-web"

    def __init__(
        self,
        runtime: Runtime,
        config: ConsoleConfig,
        media_dir: Path,
        trusted_proxies: tuple[str, ...] = (),
    ) -> None:
        super().__init__(runtime)
        self.config = config
        self.store = runtime.store
        self.gate = Gate(runtime, config)
        self.media_dir = media_dir.resolve()
        self.client_address = ClientAddress(trusted_proxies)
        self.exports = Throttle(EXPORTS_PER_MINUTE, EXPORTS_PER_MINUTE)

    def guarded(self, handler: Handler) -> Handler:
        """`handler`, answering a plain "try again" page (503) in the console's style when
        the database fails under it; the log names the route and the error, never a form's
        or a report's words."""

        async def guard(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except StoreError as error:
                route = request.match_info.route.resource
                where = route.canonical if route else request.path
                log.error("database error on console page %s: %s", where, error)
                view = self._view(request)
                page = frame(
                    view,
                    view.t("try_again_title"),
                    el("h1", view.t("try_again_title")),
                    el("p", view.t("try_again"), role="alert"),
                    el("p", el("a", view.t("back_to_queue"), href="/officer")),
                )
                return self._page(request, page, 503)

        return guard

    async def _session(self, request: web.Request, used: bool = True) -> SignedIn | None:
        """The request's session; a request the page's script makes by itself (header
        `X-Refresh: 1`) does not count as the officer's use of it."""
        used = used and request.headers.get(REFRESH_HEADER) != "1"
        return await self.gate.session(request.cookies.get(COOKIE, ""), used)

    async def _signed(self, request: web.Request) -> SignedIn:
        """The request's session; without one, to the sign-in page."""
        signed = await self._session(request)
        if signed is None:  # a page asked for is returned to after signing in
            asked = "?" + urlencode({"next": request.path_qs}) if request.method == "GET" else ""
            redirect = web.HTTPSeeOther("/officer/login" + asked, headers=NO_STORE)
            if COOKIE in request.cookies:  # ended or expired: the browser forgets it
                redirect.del_cookie(COOKIE, path="/officer")
            raise redirect
        return signed

    async def _form(self, request: web.Request) -> dict[str, str]:
        """A small urlencoded form from this site: its first value of each field."""
        # "null": what Chromium sends under `Referrer-Policy: no-referrer`; the CSRF token
        # and the SameSite=Strict cookie guard such a form
        origin = request.headers.get(hdrs.ORIGIN, "null")
        if origin != "null" and not same_origin(origin, request.host):
            raise web.HTTPForbidden(text="cross-site form refused")
        if request.content_type != "application/x-www-form-urlencoded":
            raise web.HTTPUnsupportedMediaType(text="a form is expected")
        body = await read_capped(request, FORM_BYTES)
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in fields.items()}

    async def _checked_form(self, request: web.Request, signed: SignedIn) -> dict[str, str]:
        """The form, if it carries this session's CSRF token; else 403."""
        form = await self._form(request)
        if not same_token(form.get("csrf", ""), signed.csrf):
            await self._audit(signed, "refused", "", "web: form without a valid CSRF token")
            view = self._view(request, signed)
            page = frame(view, view.t("expired_form"), el("h1", view.t("expired_form")))
            raise web.HTTPForbidden(text=page, content_type="text/html", headers=NO_STORE)
        return form

    async def _export_allowed(self, request: web.Request, signed: SignedIn) -> None:
        """Go on if the account has downloads left this minute; else a plain page (429),
        audited."""
        if self.exports.allows(signed.account.id):
            return
        await self._audit(signed, "web_export_refused", detail="too many exports")
        message = self._view(request, signed).t("export_busy")
        self._refuse(request, signed, message, web.HTTPTooManyRequests)

    def _refuse(
        self,
        request: web.Request,
        signed: SignedIn,
        message: str,
        error: type[web.HTTPException],
    ) -> None:
        """Stop with `error` and a plain page that says `message`."""
        view = self._view(request, signed)
        page = frame(
            view,
            message,
            el("p", message, role="alert"),
            el("p", el("a", view.t("back_to_queue"), href="/officer")),
        )
        raise error(text=page, content_type="text/html", headers=NO_STORE)

    async def _audit(self, signed: SignedIn, action: str, ref: str = "", detail: str = "") -> None:
        await self.store.audit(signed.officer.id, action, ref, detail, datetime.now(UTC))

    def _view(self, request: web.Request, signed: SignedIn | None = None) -> View:
        asked = request.query.get("lang", "") or request.cookies.get(LANG_COOKIE, "")
        return View(asked if asked in LANGUAGES else LANGUAGES[0], signed)

    def _page(self, request: web.Request, html: Html, status: int = 200) -> web.Response:
        response = web.Response(
            text=html, status=status, content_type="text/html", headers=NO_STORE
        )
        lang = request.query.get("lang", "")
        if lang in LANGUAGES:
            self._cookie(response, LANG_COOKIE, lang, max_age=365 * 24 * 3600)
        return response

    def _cookie(
        self, response: web.StreamResponse, name: str, value: str, max_age: int | None = None
    ) -> None:
        response.set_cookie(
            name,
            value,
            path="/officer",
            max_age=max_age,
            secure=self.config.secure_cookie,
            httponly=True,
            samesite="Strict",
        )


def download(body: bytes, kind: str, stem: str) -> web.Response:
    """A CSV or XLSX built in memory, sent as an attachment named after `stem` and the time
    (never kept on disk, never cached)."""
    name = f"{stem}-{datetime.now(UTC):%Y%m%d-%H%M}.{kind}"
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return web.Response(
        body=body,
        content_type=EXPORT_TYPES[kind].split(";")[0],
        charset="utf-8" if kind == "csv" else None,
        headers=headers,
    )
