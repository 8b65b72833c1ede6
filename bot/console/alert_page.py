"""Officers' alerts from the web console, the second door of Telegram's `/alert`: a form
(the kecamatan to warn, or everyone; the text), then a preview of the message as
subscribers will read it with the number of recipients, then "send" or "cancel".

Who may address whom: a kecamatan officer only their own kecamatan; the roles of the whole
kabupaten any kecamatan or every subscriber; a desa officer none (alerts go by kecamatan).
Both forms carry the CSRF token and a one-time id (sent twice: done once).
"""

from __future__ import annotations

import re
import secrets

from bot.console.markup import Html, el, join
from bot.console.pages import View, csrf_field, frame, select
from bot.console.roles import Role
from bot.officers.alerts import EVERYONE, MAX_TEXT, AlertPreview

DONE = ("sent", "cancelled", "gone")
"""What the form page can say after a confirmation (`done` of its address)."""
BOLD = re.compile(r"\*([^*\n]+)\*")


def alert_targets(role: Role, kecamatan_names: tuple[str, ...]) -> list[str]:
    """The targets this role may address: EVERYONE and every kecamatan, the officer's own
    kecamatan, or none (a desa officer)."""
    if role.whole:
        return [EVERYONE, *kecamatan_names]
    if role.kind == "kecamatan":
        return [role.area.kecamatan]
    return []


def alert_form_page(
    view: View,
    targets: list[str],
    chosen: str = "",
    text: str = "",
    message: str = "",
    problem: str = "",
) -> Html:
    """The form (filled in with `chosen` and `text`); above it `message` says what was
    done, `problem` what was wrong."""
    t = view.t
    heading = el("h1", t("alert_title"))
    notice = None
    if problem:
        notice = el("p", problem, class_="error", role="alert")
    elif message:
        notice = el("p", message, class_="done", role="status")
    if not targets:
        return frame(view, t("alert_title"), heading, el("p", t("alert_desa"), class_="hint"))
    options = [(name, t("alert_everyone") if name == EVERYONE else name) for name in targets]
    form = el(
        "form",
        csrf_field(view),
        el("input", type="hidden", name="form_id", value=secrets.token_urlsafe(16)),
        el("input", type="hidden", name="action", value="preview"),
        select(t("alert_target"), "target", options, chosen),
        el(
            "label",
            el("span", t("alert_text")),
            el(
                "textarea",
                text,
                name="text",
                id="alert-text",
                rows=5,
                maxlength=MAX_TEXT,
                required=True,
            ),
        ),
        el("p", t("alert_hint", limit=MAX_TEXT), class_="hint"),
        el("button", t("alert_preview"), type="submit"),
        method="post",
        action="/officer/alert",
        class_="action alert",
    )
    return frame(view, t("alert_title"), heading, notice, form)


def alert_preview_page(view: View, preview: AlertPreview) -> Html:
    """The message as subscribers will read it, how many will, and send or cancel."""
    t = view.t
    where = preview.target or t("alert_everyone")
    bubble = el("div", _rich(preview.body), class_="bubble")
    confirm = el(
        "form",
        csrf_field(view),
        el("input", type="hidden", name="form_id", value=secrets.token_urlsafe(16)),
        el("input", type="hidden", name="key", value=preview.key),
        el(
            "div",
            el(
                "button",
                t("alert_send", count=preview.recipients),
                type="submit",
                name="action",
                value="send",
            ),
            el(
                "button",
                t("alert_cancel"),
                type="submit",
                name="action",
                value="cancel",
                class_="secondary",
            ),
            class_="buttons",
        ),
        method="post",
        action="/officer/alert",
        class_="action confirm",
    )
    return frame(
        view,
        t("alert_preview_title"),
        el("h1", t("alert_preview_title")),
        el("p", t("alert_recipients", where=where, count=preview.recipients), class_="done"),
        bubble,
        el("p", t("alert_language_hint"), class_="hint"),
        confirm,
    )


def _rich(text: str) -> Html:
    """A message's text with its *bold* marks as bold, the rest as plain text."""
    parts = BOLD.split(text)
    return join(el("strong", part) if index % 2 else part for index, part in enumerate(parts))
