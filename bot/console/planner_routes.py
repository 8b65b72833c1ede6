"""The console's routes for the departure planner (issue 16): the registered people of the
officer's area (`/officer/calon`), their export (`/officer/calon.csv|xlsx`), and officers'
alerts (`GET|POST /officer/alert`: the form, its preview, send or cancel).

The list is `bot.officers.candidates`' view, as on Telegram's `/calon`; an alert runs
through the runtime's officer door and the desk (`bot.officers.alerts`), as Telegram's
`/alert` does: the draft, the notices and the audit line are committed in one transaction
under the form's one-time id, so a form sent twice is done once. Every view is audited.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.console.alert_page import DONE, alert_form_page, alert_preview_page, alert_targets
from bot.console.base import NO_STORE, ConsoleBase, Handler, download
from bot.console.calon_page import (
    CandidateFilters,
    calon_page,
    candidates_area,
    read_candidate_filters,
)
from bot.console.markup import el
from bot.console.pages import frame
from bot.console.signin import SignedIn
from bot.effects import AlertDraft, SendNotices
from bot.officers.alerts import EVERYONE, MAX_TEXT
from bot.officers.candidates import Candidate, CandidateView, candidate_view, matching
from bot.officers.exports import export_candidates

KEY_CHARS = 40


class PlannerRoutes(ConsoleBase):
    """The calon list, its export, and alerts."""

    def planner_routes(self) -> list[tuple[str, str, Handler]]:
        """(method, path, handler) of each route of this group."""
        return [
            ("GET", "/officer/calon", self.candidates),
            ("GET", "/officer/calon.{kind:csv|xlsx}", self.candidates_export),
            ("GET", "/officer/alert", self.alert_form),
            ("POST", "/officer/alert", self.alert),
        ]

    # ----- the registered people ------------------------------------------------------------

    async def candidates(self, request: web.Request) -> web.StreamResponse:
        """The registered people of the officer's area, filtered."""
        signed = await self._signed(request)
        names = self.runtime.content.data.kecamatan_names()
        filters = read_candidate_filters(request.query, names)
        listing, shown = await self._listing(signed, filters)
        await self._audit(signed, "web_view_candidates", detail=_detail(filters, listing, shown))
        html = calon_page(self._view(request, signed), filters, listing, shown, names)
        return self._page(request, html)

    async def candidates_export(self, request: web.Request) -> web.StreamResponse:
        """The filtered list as a CSV or XLSX download, built in memory; names only for a
        role that may see personal fields, and only of people who allowed it."""
        signed = await self._signed(request)
        await self._export_allowed(request, signed)
        kind = request.match_info["kind"]
        filters = read_candidate_filters(request.query, self.runtime.content.data.kecamatan_names())
        listing, shown = await self._listing(signed, filters)
        names = signed.role.personal
        body = await asyncio.to_thread(export_candidates, shown, names, kind)
        detail = f"{kind}: {_detail(filters, listing, shown)}, names {'yes' if names else 'no'}"
        await self._audit(signed, "web_export_candidates", detail=detail)
        return download(body, kind, "calon-pmi")

    async def _listing(
        self, signed: SignedIn, filters: CandidateFilters
    ) -> tuple[CandidateView, list[Candidate]]:
        area = candidates_area(signed.role.area, filters)
        registrations = await self.store.registrations(area.kecamatan, area.desa)
        stuck_after = timedelta(days=self.runtime.services.planner_reminder_days)
        listing = candidate_view(
            registrations, self.runtime.content.data, area, datetime.now(UTC), stuck_after
        )
        return listing, matching(listing.candidates, filters.recruiter, filters.stuck)

    # ----- alerts ---------------------------------------------------------------------------

    async def alert_form(self, request: web.Request) -> web.StreamResponse:
        """The alert form; after a confirmation, what became of it."""
        signed = await self._signed(request)
        view = self._view(request, signed)
        done = request.query.get("done", "")
        count = request.query.get("n", "0")
        message = ""
        if done in DONE:
            message = view.t(f"alert_done_{done}", count=int(count) if count.isdigit() else 0)
        await self._audit(signed, "web_view_alert")
        targets = alert_targets(signed.role, self.runtime.content.data.kecamatan_names())
        return self._page(request, alert_form_page(view, targets, message=message))

    async def alert(self, request: web.Request) -> web.StreamResponse:
        """A preview of the alert of the form, or the send or cancel of a preview."""
        signed = await self._signed(request)
        form = await self._checked_form(request, signed)
        view = self._view(request, signed)
        targets = alert_targets(signed.role, self.runtime.content.data.kecamatan_names())
        target = form.get("target", "")
        if not targets or (form.get("action") == "preview" and target not in targets):
            await self._audit(signed, "refused", "", "web: alert outside the officer's area")
            page = frame(view, view.t("alert_refused"), el("h1", view.t("alert_refused")))
            raise web.HTTPForbidden(text=page, content_type="text/html", headers=NO_STORE)
        form_id = f"{signed.account.id}:{form.get('form_id', '')[:KEY_CHARS]}"
        action = form.get("action", "")
        if action in ("send", "cancel"):
            key = form.get("key", "")[:KEY_CHARS]
            answer = await self.runtime.officer_confirm_alert_on_web(
                signed.officer, key, action == "send", form_id
            )
            sent = [effect for effect in answer.effects if isinstance(effect, SendNotices)]
            forgotten = any(isinstance(effect, AlertDraft) for effect in answer.effects)
            done = f"sent&n={len(sent[0].notices)}" if sent else "gone"
            if action == "cancel" and forgotten:
                done = "cancelled"
            raise web.HTTPSeeOther(f"/officer/alert?done={done}")
        if action != "preview":
            raise web.HTTPBadRequest(text="unknown action")
        text = form.get("text", "").strip()
        if not text or len(text) > MAX_TEXT:
            problem = view.t("alert_too_long", limit=MAX_TEXT) if text else view.t("alert_empty")
            html = alert_form_page(view, targets, target, text[: 2 * MAX_TEXT], problem=problem)
            return self._page(request, html, 400)
        answer = await self.runtime.officer_alert_on_web(
            signed.officer, "" if target == EVERYONE else target, text, form_id
        )
        if answer.alert is None:  # refused by the desk's own checks
            html = alert_form_page(view, targets, target, text, problem=view.t("alert_empty"))
            return self._page(request, html, 400)
        detail = f"{target}: {answer.alert.recipients} recipients"
        await self._audit(signed, "web_alert_preview", detail=detail)
        return self._page(request, alert_preview_page(view, answer.alert))


def _detail(filters: CandidateFilters, listing: CandidateView, shown: list[Candidate]) -> str:
    """What an audit line says of a list: its area, its filters and how many it showed."""
    area = listing.area
    where = f"{area.kecamatan}/{area.desa}" if area.desa else area.kecamatan or "kabupaten"
    return f"{where}: {len(shown)} of {len(listing.candidates)} {filters.link()[1:]}"[:200]
