"""The console's page frame, the sign-in page and the queue.

Pages work without JavaScript: every action is a plain form (POST with its CSRF token),
filters are a GET form. `console.js` only makes the queue refresh itself. Times are shown
in WIB, Kabupaten Serang's time.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.console.markup import Html, el, join
from bot.console.queries import PER_PAGE, WIB, Filters
from bot.console.roles import Role
from bot.console.signin import SignedIn
from bot.console.texts import LANGUAGES, say
from bot.records import ReportPage, ReportRecord

STATIC = "/officer/static"
EXCERPT = 90


@dataclass(frozen=True, slots=True)
class View:
    """Who a page is for: the language, and the signed-in officer (None on the sign-in page)."""

    lang: str
    signed: SignedIn | None = None

    def t(self, key: str, **values: object) -> str:
        """A text of the console in this page's language."""
        return say(self.lang, key, **values)


def frame(view: View, title: str, *content: object) -> Html:
    """A whole page around `content`."""
    head = el(
        "head",
        el("meta", charset="utf-8"),
        el("meta", name="viewport", content="width=device-width, initial-scale=1"),
        el("title", f"{title} · Migran Aman"),
        el("link", rel="icon", href="data:,"),  # no request for /favicon.ico
        el("link", rel="stylesheet", href=f"{STATIC}/console.css"),
        el("script", src=f"{STATIC}/console.js", defer=True),
    )
    body = el("body", _header(view), el("main", *content))
    return Html("<!doctype html>\n" + el("html", head, body, lang=view.lang))


def csrf_field(view: View) -> Html:
    """The hidden CSRF field every form of a signed-in page carries."""
    return el("input", type="hidden", name="csrf", value=view.signed.csrf if view.signed else "")


def not_found_page(view: View) -> Html:
    """The 404 page of a case that does not exist or is outside the officer's area (and of
    any page the officer's role may not open: the same answer)."""
    return frame(view, view.t("not_found"), el("h1", view.t("not_found")))


def role_label(view: View, role: Role) -> str:
    """The area of a role in words."""
    place = role.area.desa or role.area.kecamatan
    return view.t(f"role_{role.kind}", place=place)


def _header(view: View) -> Html:
    other = LANGUAGES[1] if view.lang == LANGUAGES[0] else LANGUAGES[0]
    language = el("a", view.t("other_language"), href=f"?lang={other}", hreflang=other)
    signed = view.signed
    if signed is None:
        return el("header", el("span", view.t("brand"), class_="brand"), el("nav", language))
    who = el("span", f"{signed.account.username} · {role_label(view, signed.role)}", class_="who")
    sign_out = el(
        "form",
        csrf_field(view),
        el("button", view.t("sign_out"), type="submit"),
        el("button", view.t("sign_out_all"), type="submit", formaction="/officer/logout-all"),
        method="post",
        action="/officer/logout",
        class_="signout",
    )
    admin = signed.role.kind == "admin"  # only an admin has the accounts page
    accounts = el("a", view.t("accounts"), href="/officer/accounts") if admin else None
    nav = el(
        "nav",
        el("a", view.t("queue"), href="/officer"),
        el("a", view.t("calon"), href="/officer/calon"),
        el("a", view.t("alert"), href="/officer/alert"),
        el("a", view.t("stats"), href="/officer/stats"),
        accounts,
        language,
        who,
        sign_out,
    )
    return el("header", el("a", view.t("brand"), href="/officer", class_="brand"), nav)


def sign_in_page(view: View, form_token: str, message: str = "", after: str = "") -> Html:
    """The sign-in form; `message` says why the last attempt failed, `after` is the console
    page to return to once signed in (checked by `return_path`)."""
    form = el(
        "form",
        el("input", type="hidden", name="csrf", value=form_token),
        el("input", type="hidden", name="next", value=after) if after else None,
        _field(view.t("username"), "username", "text", autocomplete="username", required=True),
        _field(
            view.t("password"),
            "password",
            "password",
            autocomplete="current-password",
            required=True,
        ),
        _field(view.t("code"), "code", "text", inputmode="numeric", autocomplete="one-time-code"),
        el("button", view.t("sign_in"), type="submit"),
        method="post",
        action="/officer/login",
        class_="signin",
    )
    notice = el("p", message, class_="error", role="alert") if message else None
    return frame(view, view.t("sign_in_title"), el("h1", view.t("sign_in_title")), notice, form)


def return_path(text: str) -> str:
    """`text` if it is a page of the console to return to after signing in ("/officer" or a
    path under "/officer/", never "//", a scheme, a backslash or a control character), else
    "" (the queue)."""
    if len(text) > 500 or not text.isprintable() or "\\" in text or "//" in text:
        return ""
    return text if text == "/officer" or text.startswith(("/officer/", "/officer?")) else ""


def _field(label: str, name: str, kind: str, **attributes: object) -> Html:
    return el("label", el("span", label), el("input", type=kind, name=name, id=name, **attributes))


def queue_page(
    view: View,
    filters: Filters,
    page: ReportPage,
    kecamatan_names: tuple[str, ...],
    refresh_seconds: float,
) -> Html:
    """The queue: counts, filters, the matching reports (the part that refreshes itself)."""
    assert view.signed is not None
    role = view.signed.role
    results = el(
        "section",
        _counts(view, filters, page),
        _table(view, page.reports, role),
        _pager(view, filters, page),
        id="results",
        data_stamp=page.stamp,
        data_refresh=refresh_seconds,
        data_stamp_url="/officer/queue/stamp",
        aria_live="polite",
    )
    exports = el(
        "p",
        el("a", view.t("export_csv"), href=f"/officer/export.csv{filters.link(page=1)}"),
        el("a", view.t("export_xlsx"), href=f"/officer/export.xlsx{filters.link(page=1)}"),
        class_="exports",
    )
    return frame(
        view,
        view.t("queue_title"),
        el("h1", view.t("queue_title")),
        _filter_form(view, filters, page, role, kecamatan_names),
        exports,
        results,
    )


def _counts(view: View, filters: Filters, page: ReportPage) -> Html:
    links = [
        el(
            "a",
            f"{view.t(status)}: {page.by_status.get(status, 0)}",
            href=filters.link(status=status, page=1),
            class_=f"count {status}" + (" current" if filters.status == status else ""),
        )
        for status in ("received", "claimed", "closed")
    ]
    return el("p", links, el("span", view.t("matching", count=page.total)), class_="counts")


def _filter_form(
    view: View,
    filters: Filters,
    page: ReportPage,
    role: Role,
    kecamatan_names: tuple[str, ...],
) -> Html:
    t = view.t
    statuses = [("", t("all")), ("open", t("open"))]
    statuses += [(status, t(status)) for status in ("received", "claimed", "closed")]
    fields = [
        select(t("status"), "status", statuses, filters.status),
        select(
            t("urgent"),
            "urgent",
            [("", t("all")), ("yes", t("urgent_yes")), ("no", t("urgent_no"))],
            filters.urgent,
        ),
    ]
    if role.whole:
        kinds = [("", t("all")), ("report", t("kind_report")), ("question", t("kind_question"))]
        fields.append(select(t("kind"), "kind", kinds, filters.kind))
        places = [("", t("all")), *((name, name) for name in kecamatan_names)]
        fields.append(select(t("kecamatan"), "kecamatan", places, filters.kecamatan))
    countries = [("", t("all")), *((name, name) for name in page.countries)]
    fields += [
        select(t("country"), "country", countries, filters.country),
        _field(t("from"), "since", "date", value=filters.since),
        _field(t("to"), "until", "date", value=filters.until),
        _field(t("search"), "text", "search", value=filters.text, maxlength=100),
    ]
    return filter_form(view, fields, "/officer")


def filter_form(view: View, fields: list[Html], path: str) -> Html:
    """A page's filters: its fields, with "filter" and "clear" (back to `path` unfiltered)."""
    t = view.t
    buttons = el(
        "div",
        el("button", t("filter"), type="submit"),
        el("a", t("clear"), href=path),
        class_="buttons",
    )
    return el("form", fields, buttons, method="get", action=path, class_="filters")


def select(label: str, name: str, options: list[tuple[str, str]], chosen: str) -> Html:
    """A labelled drop-down list of (value, text) options with `chosen` selected."""
    choices = [el("option", text, value=value, selected=value == chosen) for value, text in options]
    return el("label", el("span", label), el("select", choices, name=name, id=name))


def _table(view: View, reports: list[ReportRecord], role: Role) -> Html:
    t = view.t
    if not reports:
        return el("p", t("none_found"), class_="empty")
    heads = [t("number"), t("received_at"), t("status"), t("place"), t("country")]
    heads += [t("offer"), t("photos")]
    rows = [_row(view, report) for report in reports]
    return el(
        "table",
        el("thead", el("tr", [el("th", head, scope="col") for head in heads])),
        el("tbody", rows),
        class_="queue",
    )


def _row(view: View, report: ReportRecord) -> Html:
    t = view.t
    badges = [el("span", t("urgent"), class_="badge urgent")] if report.urgent else []
    if report.kind == "question":
        badges.append(el("span", t("kind_question"), class_="badge question"))
    cells = [
        (t("number"), join([el("a", report.ref, href=f"/officer/case/{report.ref}"), *badges])),
        (t("received_at"), when(report)),
        (t("status"), el("span", t(report.status), class_=f"status {report.status}")),
        (t("place"), place(view, report)),
        (t("country"), report.country or "–"),
        (t("offer"), excerpt(report.offer, EXCERPT)),
        (t("photos"), str(len(report.photos))),
    ]
    urgent = report.urgent and report.status != "closed"
    return el(
        "tr",
        [
            el("td", value, data_label=label, class_="when" if index == 1 else None)
            for index, (label, value) in enumerate(cells)
        ],
        class_=urgent and "hot",
    )


def when(report: ReportRecord) -> str:
    """When a report came in, in WIB."""
    return f"{report.created_at.astimezone(WIB):%d-%m-%Y %H:%M} WIB"


def place(view: View, report: ReportRecord) -> str:
    """Where a report is from, in words."""
    if report.kecamatan:
        return f"{report.desa}, {report.kecamatan}" if report.desa else report.kecamatan
    if report.place in ("abroad", "elsewhere"):
        return view.t(report.place)
    return "–"


def excerpt(text: str, limit: int) -> str:
    """The first `limit` characters of a text on one line."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pager(view: View, filters: Filters, page: ReportPage) -> Html | None:
    links = []
    if filters.page > 1:
        links.append(el("a", view.t("newer"), href=filters.link(page=filters.page - 1)))
    if (filters.page - 1) * PER_PAGE + len(page.reports) < page.total:
        links.append(el("a", view.t("older"), href=filters.link(page=filters.page + 1)))
    return el("nav", links, class_="pager") if links else None
