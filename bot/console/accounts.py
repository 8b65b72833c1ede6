"""`python -m bot officer ...`: the web console's accounts, managed on the server.

    officer add USERNAME --role ROLE [--telegram-id ID]
    officer list
    officer disable USERNAME          (and `enable`)
    officer reset-password USERNAME
    officer require-totp USERNAME     (prints the secret for the authenticator app)
    officer link-telegram USERNAME ID (0 removes the link)

A password is never an argument (it would stay in the shell's history and the process
list): it is read from the environment variable OFFICER_PASSWORD, or typed (twice) when
stdin is a terminal, or read as the first line of stdin. Every change ends the account's
sessions and is written to the audit log (as officer 0, the command line).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.actions import load_actions
from bot.config import Config
from bot.console.passwords import hash_password, new_totp_secret, totp_uri
from bot.console.roles import checked_username, parse_role
from bot.content import load_checked_content
from bot.data import ContentData
from bot.records import TelegramIdTaken
from bot.store import Store

PASSWORD_VARIABLE = "OFFICER_PASSWORD"
COMMAND_LINE = 0  # the audit log's officer id for changes made here
ADDED = "web_account_added"  # the audit log's action for an account added


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `officer` command and its sub-commands."""
    officer = commands.add_parser("officer", help="web console accounts (add, list, disable...)")
    actions = officer.add_subparsers(dest="officer_command", required=True)
    add = actions.add_parser("add", help="add an account; password from OFFICER_PASSWORD/stdin")
    add.add_argument("username")
    add.add_argument(
        "--role",
        required=True,
        help="kabupaten | kecamatan:<name> | desa:<kecamatan>/<desa> | admin",
    )
    add.add_argument("--telegram-id", type=int, help="the officer's Telegram user id")
    actions.add_parser("list", help="every account, its role and state")
    for name, text in (
        ("disable", "stop an account signing in (its sessions end)"),
        ("enable", "let a disabled account sign in again"),
        ("reset-password", "set a new password (OFFICER_PASSWORD/stdin); sessions end"),
        ("require-totp", "require a code from an authenticator app; prints its secret"),
    ):
        actions.add_parser(name, help=text).add_argument("username")
    link = actions.add_parser("link-telegram", help="one person on both doors (0 unlinks)")
    link.add_argument("username")
    link.add_argument("telegram_id", type=int)


async def run(arguments: argparse.Namespace, config: Config) -> int:
    """Run one `officer` sub-command; the exit code."""
    store = Store(config.database.path)
    await store.open()
    try:
        return await _run(store, arguments, config)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except TelegramIdTaken as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        await store.close()


async def _run(store: Store, arguments: argparse.Namespace, config: Config) -> int:
    command = arguments.officer_command
    now = datetime.now(UTC)
    if command == "list":
        for account in await store.officer_accounts():
            state = "disabled" if account.disabled else "active"
            if account.locked_until and account.locked_until > now:
                state = f"locked until {account.locked_until:%Y-%m-%d %H:%M} UTC"
            extra = " totp" if account.totp_required else ""
            extra += f" telegram:{account.telegram_id}" if account.telegram_id else ""
            print(f"{account.username}\t{account.role}\t{state}{extra}")
        return 0
    username = arguments.username.strip().lower()
    if command == "add":
        username = checked_username(arguments.username)
        role = parse_role(arguments.role, *_places(config))
        password_hash = hash_password(read_password())
        telegram_id = arguments.telegram_id or None
        if not await store.create_account(username, password_hash, str(role), now, telegram_id):
            raise ValueError(f"an account {username!r} exists already")
        return await _done(store, ADDED, added_detail(username, str(role)), now)
    if command == "reset-password":
        changes = account_changes(command, password=read_password())
    else:
        changes = account_changes(command, telegram_id=getattr(arguments, "telegram_id", 0))
    if command == "require-totp":
        secret = str(changes["totp_secret"])
        print(f"secret for the authenticator app: {secret}\n{totp_uri(secret, username)}")
    if not await store.update_account(username, **changes):
        raise ValueError(f"no account {username!r}")
    return await _done(store, audit_action(command), username, now)


def account_changes(command: str, password: str = "", telegram_id: int = 0) -> dict[str, object]:
    """What `command` ("disable", "enable", "reset-password", "link-telegram" or
    "require-totp", the command line's and the console's) changes on an account: a new
    password is hashed (ValueError when it is too short or long), a second factor gets a new
    secret, Telegram id 0 unlinks."""
    if command in ("disable", "enable"):
        return {"disabled": int(command == "disable")}
    if command == "reset-password":
        return {"password_hash": hash_password(password)}
    if command == "link-telegram":
        return {"telegram_id": telegram_id or None}
    if command == "require-totp":
        return {"totp_secret": new_totp_secret(), "totp_required": 1}
    raise ValueError(f"unknown account change {command!r}")


def audit_action(command: str) -> str:
    """The audit log's action for an account change (ADDED for an account added)."""
    return f"web_account_{command.replace('-', '_')}"


async def _done(store: Store, action: str, detail: str, now: datetime) -> int:
    await store.audit(COMMAND_LINE, action, "", detail, now)
    print(f"done: {detail}")
    return 0


def read_password() -> str:
    """The new password: OFFICER_PASSWORD, else typed twice at a terminal, else stdin's
    first line."""
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if password:
        return password
    if sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != password:
            raise ValueError("the two passwords differ")
        return password
    return sys.stdin.readline().rstrip("\r\n")


def _places(config: Config) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """The kecamatan, and each one's desa, of the content `config` names."""
    return places(load_checked_content(Path(config.content.dir), load_actions()).data)


def places(data: ContentData) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """The kecamatan, and each one's desa (content/data/wilayah.yaml): what `parse_role`
    checks a role's place against."""
    names = data.kecamatan_names()
    wilayah = data.wilayah
    desa = {}
    for name in names:
        found = wilayah.by_name(name) if wilayah else None
        desa[name] = found.desa_names() if found else []
    return names, desa


def added_detail(username: str, role: str) -> str:
    """The audit line's detail of an account added."""
    return f"{username} as {role}"
