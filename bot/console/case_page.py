"""One case on the console: what the Telegram card shows, the photos, the whole thread with
the reporter, and the forms for the card's buttons (claim, ask, note, close).

An anonymous reporter's identity is never shown; a named reporter's name, phone and
channel only to a role that may see personal fields (`Role.personal`). The thread says
who wrote each line by what they are (officer to reporter, reporter, officer's note).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.console.markup import Html, el
from bot.console.pages import View, csrf_field, frame, place, when
from bot.console.queries import WIB
from bot.officers.cards import OUTCOMES
from bot.records import ReportMessage, ReportRecord

MAX_TEXT = 2_000  # characters of a question or note (a Telegram message holds 4,096)
DONE = ("claim", "ask", "note", "close")
"""What the page can say was done (the `done` of its address after an action)."""


def case_page(
    view: View, report: ReportRecord, done: str = "", sign_questions: bool = False
) -> Html:
    """The case page; `done` names what the officer's last action did ("not" if nothing);
    `sign_questions`: questions to the reporter carry the officer's name (the office's choice)."""
    assert view.signed is not None
    t = view.t
    notice = None
    if done in DONE:
        notice = el("p", t(f"done_{done}"), class_="done", role="status")
    elif done == "not":
        notice = el("p", t("not_done"), class_="error", role="alert")
    heading = el(
        "h1",
        report.ref,
        el("span", t("urgent"), class_="badge urgent") if report.urgent else None,
        el("span", t(report.status), class_=f"status {report.status}"),
    )
    return frame(
        view,
        report.ref,
        el("p", el("a", t("back_to_queue"), href="/officer"), class_="back"),
        heading,
        notice,
        el(
            "div",
            el("section", _facts(view, report), _photos(view, report), class_="facts"),
            el(
                "section",
                _actions(view, report, sign_questions),
                _thread(view, report),
                class_="work",
            ),
            class_="case",
        ),
    )


def _facts(view: View, report: ReportRecord) -> Html:
    t = view.t
    status = t(report.status)
    if report.status == "claimed" and report.claimed_by_name:
        status = t("status_claimed_by", name=report.claimed_by_name)
    rows: list[tuple[str, str]] = [(t("status"), status)]
    if report.status == "closed" and report.outcome:
        rows.append((t("outcome"), _outcome(view, report.outcome)))
    rows.append((t("received_at"), when(report)))
    if report.kind == "question":
        rows += [(t("question"), report.offer), (t("asker"), _reporter(view, report))]
    else:
        rows += [
            (t("place"), place(view, report)),
            (t("country"), report.country or "–"),
            (t("offer"), report.offer or "–"),
            (t("recruiter"), report.recruiter or "–"),
            (t("reporter"), _reporter(view, report)),
        ]
    return el("dl", [[el("dt", label), el("dd", value)] for label, value in rows])


def _reporter(view: View, report: ReportRecord) -> str:
    assert view.signed is not None
    if report.anonymous:
        return view.t("anonymous")
    if not report.name and not report.phone and not report.user:
        return view.t("erased")
    if not view.signed.role.personal:
        return view.t("hidden")
    contact = ", ".join(part for part in (report.name, report.phone) if part)
    return f"{contact or '–'} (via {report.channel})"


def _photos(view: View, report: ReportRecord) -> Html:
    if not report.photos:
        return el("p", view.t("no_photos"), class_="empty")
    pictures = [
        el(
            "a",
            el(
                "img",
                src=f"/officer/case/{report.ref}/photo/{index}",
                alt=view.t("photo_n", n=index + 1),
                loading="lazy",
            ),
            href=f"/officer/case/{report.ref}/photo/{index}",
        )
        for index in range(len(report.photos))
    ]
    return el("div", pictures, class_="photos")


def _thread(view: View, report: ReportRecord) -> Html:
    t = view.t
    items = [_message(view, message) for message in report.messages]
    body = el("ol", items, class_="thread") if items else el("p", t("thread_empty"))
    return el("div", el("h2", t("thread")), body)


def _message(view: View, message: ReportMessage) -> Html:
    direction = message.direction if message.direction in ("to_reporter", "from_reporter") else ""
    label = view.t(direction or "note")
    stamp = ""
    if message.created_at:
        stamp = f"{datetime.fromisoformat(message.created_at).astimezone(WIB):%d-%m-%Y %H:%M} WIB"
    return el(
        "li",
        el("p", el("strong", label), " ", el("small", stamp), class_="meta"),
        el("p", message.text, class_="text"),
        class_=direction or "note",
    )


def _actions(view: View, report: ReportRecord, sign_questions: bool) -> Html:
    assert view.signed is not None
    t = view.t
    hint = (
        t("ask_hint_named", name=view.signed.account.username) if sign_questions else t("ask_hint")
    )
    forms = []
    if report.status == "received":
        forms.append(_form(view, report, "claim", el("button", t("claim"), type="submit")))
    if report.status != "closed":
        forms.append(
            _form(
                view,
                report,
                "ask",
                _text_box(t("ask"), "ask-text"),
                el("p", hint, class_="hint"),
                el("button", t("ask_send"), type="submit"),
            )
        )
    forms.append(
        _form(
            view,
            report,
            "note",
            _text_box(t("note_add"), "note-text"),
            el("p", t("note_hint"), class_="hint"),
            el("button", t("note_add"), type="submit"),
        )
    )
    if report.status != "closed":
        outcomes = [el("option", _outcome(view, code), value=code) for code in OUTCOMES]
        forms.append(
            _form(
                view,
                report,
                "close",
                el("label", el("span", t("outcome")), el("select", outcomes, name="outcome")),
                el("button", t("close"), type="submit"),
            )
        )
    return el("div", forms, class_="actions")


def _form(view: View, report: ReportRecord, action: str, *fields: object) -> Html:
    """A form for one action, with its CSRF token and a one-time id (sent twice: done once)."""
    return el(
        "form",
        csrf_field(view),
        el("input", type="hidden", name="form_id", value=secrets.token_urlsafe(16)),
        el("input", type="hidden", name="action", value=action),
        *fields,
        method="post",
        action=f"/officer/case/{report.ref}",
        class_=f"action {action}",
    )


def _text_box(label: str, box_id: str) -> Html:
    return el(
        "label",
        el("span", label),
        el("textarea", name="text", id=box_id, rows=3, maxlength=MAX_TEXT, required=True),
    )


def _outcome(view: View, code: str) -> str:
    return view.t(f"outcome_{code}") if code in OUTCOMES else code
