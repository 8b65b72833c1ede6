"""The admin's accounts page: every account (username, role in words, state, whether it
needs an app code, whether Telegram is linked) with the forms that change it, the form that
adds one, and the one answer that shows a new second-factor secret.

Nothing of an account's secrets is ever on these pages: no password hash, and a TOTP secret
only on the answer to the form that made it. Every form carries the CSRF token and a
one-time id (sent twice: done once).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from bot.console.markup import Html, el
from bot.console.pages import View, csrf_field, frame, role_label, select
from bot.console.passwords import MAX_PASSWORD, MIN_PASSWORD
from bot.console.queries import WIB
from bot.console.roles import stored_role
from bot.records import OfficerAccount

PATH = "/officer/accounts"
KINDS = ("kecamatan", "desa", "kabupaten", "admin")
"""The roles the add form offers, the commonest first."""
TELEGRAM_DIGITS = 15
DONE = ("added", "disable", "enable", "reset_password", "link_telegram", "twice")
"""What the page can say was done (`done` of its address, after a change)."""


@dataclass(frozen=True, slots=True)
class NewAccount:
    """What the add form was filled in with (kept when it is shown again with a problem;
    never the passwords)."""

    username: str = ""
    kind: str = KINDS[0]
    kecamatan: str = ""
    desa: str = ""

    def role_text(self) -> str:
        """The role as the command line writes it, for `parse_role` to check."""
        if self.kind == "kecamatan":
            return f"kecamatan:{self.kecamatan}"
        if self.kind == "desa":
            return f"desa:{self.kecamatan}/{self.desa}"
        return self.kind


@dataclass(frozen=True, slots=True)
class Places:
    """The kecamatan of the role form, and every desa name (the desa field's suggestions)."""

    kecamatan: tuple[str, ...]
    desa: tuple[str, ...] = field(default_factory=tuple)


def accounts_page(
    view: View,
    accounts: list[OfficerAccount],
    places: Places,
    now: datetime,
    notice: str = "",
    problem: str = "",
    filled: NewAccount | None = None,
) -> Html:
    """The list with its forms; above it `notice` says what was done, `problem` what was
    wrong; `filled`: the add form as it was sent."""
    t = view.t
    shown = None
    if problem:
        shown = el("p", problem, class_="error", role="alert")
    elif notice:
        shown = el("p", notice, class_="done", role="status")
    return frame(
        view,
        t("acc_title"),
        el("h1", t("acc_title")),
        shown,
        el("p", t("acc_intro"), class_="hint"),
        _table(view, accounts, now),
        el("h2", t("acc_add_title"), id="add"),
        _add_form(view, places, filled or NewAccount()),
    )


def secret_page(view: View, username: str, secret: str, uri: str) -> Html:
    """The answer to "require an app code": the new secret and its otpauth address, once."""
    t = view.t
    return frame(
        view,
        t("acc_secret_title", who=username),
        el("h1", t("acc_secret_title", who=username)),
        el("p", t("acc_secret_once", who=username), class_="done", role="status"),
        el(
            "dl",
            el("dt", t("acc_secret")),
            el("dd", el("code", secret)),
            el("dt", t("acc_secret_uri")),
            el("dd", el("code", uri)),
            class_="secret",
        ),
        el("p", el("a", t("acc_back"), href=PATH)),
    )


def _table(view: View, accounts: list[OfficerAccount], now: datetime) -> Html:
    t = view.t
    heads = [t(key) for key in ("acc_username", "acc_role", "acc_state", "acc_totp")]
    heads += [t("acc_telegram"), t("acc_actions")]
    return el(
        "table",
        el("thead", el("tr", [el("th", head, scope="col") for head in heads])),
        el("tbody", [_row(view, account, now) for account in accounts]),
        class_="queue accounts",
    )


def _row(view: View, account: OfficerAccount, now: datetime) -> Html:
    t = view.t
    assert view.signed is not None
    yourself = account.id == view.signed.account.id
    name = el("strong", account.username)
    cells = [
        (t("acc_username"), [name, " ", t("acc_you")] if yourself else name),
        (t("acc_role"), role_label(view, stored_role(account.role))),
        (t("acc_state"), state(view, account, now)),
        (t("acc_totp"), t("acc_yes") if account.totp_required else t("acc_no")),
        (t("acc_telegram"), str(account.telegram_id or t("acc_not_linked"))),
        (t("acc_actions"), _changes(view, account, yourself)),
    ]
    return el(
        "tr",
        [el("td", value, data_label=label) for label, value in cells],
        class_="off" if account.disabled else None,
    )


def state(view: View, account: OfficerAccount, now: datetime) -> str:
    """Active, disabled, or locked until when (in WIB)."""
    if account.disabled:
        return view.t("acc_disabled")
    if account.locked_until and account.locked_until > now:
        until = f"{account.locked_until.astimezone(WIB):%d-%m-%Y %H:%M} WIB"
        return view.t("acc_locked", until=until)
    return view.t("acc_active")


def _changes(view: View, account: OfficerAccount, yourself: bool) -> Html:
    """The forms of one account: disable or enable, an app code, a password, Telegram."""
    t = view.t
    who = account.username
    buttons = []
    if account.disabled:
        buttons.append(_form(view, who, "enable", _button(t("acc_enable"))))
    elif not yourself:
        buttons.append(_form(view, who, "disable", _button(t("acc_disable"), "secondary")))
    totp = t("acc_new_totp") if account.totp_required else t("acc_require_totp")
    buttons.append(_form(view, who, "require-totp", _button(totp, "secondary")))
    if account.telegram_id:
        buttons.append(_form(view, who, "unlink-telegram", _button(t("acc_unlink"), "secondary")))
    password = _form(
        view,
        who,
        "reset-password",
        _password_fields(view, f"{who}-reset"),
        _button(t("acc_set_password")),
    )
    telegram = _form(
        view,
        who,
        "link-telegram",
        _input(
            t("acc_telegram_id"),
            "telegram_id",
            f"{who}-telegram",
            "text",
            inputmode="numeric",
            pattern=f"[0-9]{{1,{TELEGRAM_DIGITS}}}",
            maxlength=TELEGRAM_DIGITS,
            required=True,
        ),
        _button(t("acc_link")),
    )
    return el(
        "div",
        el("div", buttons, class_="buttons"),
        el("details", el("summary", t("acc_new_password")), password),
        el("details", el("summary", t("acc_telegram_id")), telegram),
        class_="changes",
    )


def _add_form(view: View, places: Places, filled: NewAccount) -> Html:
    t = view.t
    kinds = [(kind, t(f"acc_kind_{kind}")) for kind in KINDS]
    kecamatan = [("", "–"), *((name, name) for name in places.kecamatan)]
    desa_list = el("datalist", [el("option", value=name) for name in places.desa], id="desa-names")
    return el(
        "form",
        csrf_field(view),
        _one_time_id(),
        el("input", type="hidden", name="action", value="add"),
        _input(
            t("acc_username"),
            "username",
            "new-username",
            "text",
            value=filled.username,
            autocomplete="off",
            maxlength=40,
            required=True,
        ),
        el("p", t("acc_username_hint"), class_="hint"),
        select(t("acc_role"), "kind", kinds, filled.kind),
        select(t("kecamatan"), "kecamatan", kecamatan, filled.kecamatan),
        _input(
            t("desa"),
            "desa",
            "new-desa",
            "text",
            value=filled.desa,
            list="desa-names",
            maxlength=100,
            autocomplete="off",
        ),
        desa_list,
        el("p", t("acc_kecamatan_hint"), class_="hint"),
        _password_fields(view, "new"),
        _button(t("acc_add")),
        method="post",
        action=PATH,
        class_="action add-account",
    )


def _password_fields(view: View, prefix: str) -> Html:
    """A new password, typed twice."""
    t = view.t
    limits = {"minlength": MIN_PASSWORD, "maxlength": MAX_PASSWORD, "required": True}
    return el(
        "div",
        _input(
            t("acc_password", min=MIN_PASSWORD),
            "password",
            f"{prefix}-password",
            "password",
            autocomplete="new-password",
            **limits,
        ),
        _input(
            t("acc_password_again"),
            "again",
            f"{prefix}-again",
            "password",
            autocomplete="new-password",
            **limits,
        ),
        class_="passwords",
    )


def _form(view: View, username: str, action: str, *fields: object) -> Html:
    """A form that changes the account `username`."""
    return el(
        "form",
        csrf_field(view),
        _one_time_id(),
        el("input", type="hidden", name="action", value=action),
        el("input", type="hidden", name="username", value=username),
        *fields,
        method="post",
        action=PATH,
    )


def _one_time_id() -> Html:
    return el("input", type="hidden", name="form_id", value=secrets.token_urlsafe(16))


def _input(label: str, name: str, box_id: str, kind: str, **attributes: object) -> Html:
    return el(
        "label", el("span", label), el("input", type=kind, name=name, id=box_id, **attributes)
    )


def _button(text: str, style: str = "") -> Html:
    return el("button", text, type="submit", class_=style or None)
