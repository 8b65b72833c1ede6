"""Configuration: built-in defaults, an optional YAML file, then environment variables.

`BOT_CONFIG` names the YAML file (see `config.example.yaml`); inside it,
`${NAME}` and `${NAME:-default}` are read from the environment. The documented
environment variables (BOT_HOST, TELEGRAM_BOT_TOKEN, ...) override the file, so
secrets never need to be written down. Unknown keys and bad values stop
start-up with an error naming the file, line and key and what is allowed.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.notices import KINDS as NOTICE_KINDS
from bot.yamlsource import YamlSourceError, line_of, load_yaml

_ENV_REFERENCE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerConfig(_Section):
    """Where the one aiohttp server listens, and how it treats clients: the proxies it
    trusts, the web chat's session secret, idle timeouts and the connection cap."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    # addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; from anyone else these headers are ignored
    trusted_proxies: list[str] = Field(default_factory=list)
    # signs web chat session ids; empty: a random key kept in web-session.key next to the db
    session_secret: str = Field(default="", repr=False)
    # a connection that has not sent a whole request (the first one, or the next one on a
    # kept-alive connection) within this many seconds is closed
    idle_timeout_seconds: float = Field(default=10, ge=1, le=600)
    max_connections: int = Field(default=512, ge=8, le=100_000)  # open at once; more get 503

    @field_validator("session_secret")
    @classmethod
    def _long_enough(cls, secret: str) -> str:
        if 0 < len(secret) < 16:
            raise ValueError("needs at least 16 characters (or empty: a generated key file)")
        return secret

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, proxies: list[str]) -> list[str]:
        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError as error:
                raise ValueError(f"{proxy!r} is not an IP address or network") from error
        return proxies


class DatabaseConfig(_Section):
    """The SQLite file."""

    path: str = "data/migran-aman.db"


class ContentConfig(_Section):
    """Where the YAML content lives."""

    dir: str = "content"


class SessionConfig(_Section):
    """How long a conversation stays where it was, and how long idle sessions are kept."""

    timeout_minutes: int = Field(default=30, ge=1, le=24 * 60)
    retention_days: int = Field(default=90, ge=1, le=3650)


class MediaConfig(_Section):
    """Where photos users send are kept, and how large one may be."""

    dir: str = "data/media"
    max_bytes: int = Field(default=5_000_000, ge=10_000, le=20_000_000)


class TelegramConfig(_Section):
    """The Telegram channel (off while `token` is empty)."""

    token: str = ""
    api_url: str = "https://api.telegram.org/bot"
    webhook_url: str = ""
    webhook_secret: str = Field(default="", pattern=r"^[A-Za-z0-9_-]{0,256}$")

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> TelegramConfig:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError(
                "webhook_url needs webhook_secret (TELEGRAM_WEBHOOK_SECRET), "
                "so forged webhook calls can be refused"
            )
        return self


class WhatsAppConfig(_Section):
    """The WhatsApp Cloud API channel (off while `token` is empty)."""

    token: str = ""
    app_secret: str = ""
    verify_token: str = ""
    phone_number_id: str = ""
    api_url: str = "https://graph.facebook.com/v25.0"
    template_name: str = ""  # approved template sent when the 24-hour window has closed
    template_language: str = "id"
    list_button: str = Field(default="Pilih / Choose", min_length=1, max_length=20)
    messages_per_second: float = Field(default=40, gt=0, le=1000)
    # approved templates, by notice kind, that carry a notice (its text as the one body
    # parameter) when the 24-hour window has closed; a kind without one is held instead
    notice_templates: dict[str, str] = Field(default_factory=dict)
    # the template language code approved by Meta for each language of the bot
    notice_template_languages: dict[str, str] = Field(
        default_factory=lambda: {"id": "id", "en": "en"}
    )

    @field_validator("notice_templates")
    @classmethod
    def _notice_kinds(cls, templates: dict[str, str]) -> dict[str, str]:
        unknown = set(templates) - set(NOTICE_KINDS)
        if unknown:
            raise ValueError(f"unknown notice kind {sorted(unknown)}; allowed: {NOTICE_KINDS}")
        return templates


class OfficersConfig(_Section):
    """Who may work the report queue, and the officers' group chat."""

    telegram_ids: list[int] = Field(default_factory=list)
    chat_id: int | None = None
    # the channel whose chat receives the officers' cards and relays: Telegram only for now
    # (the WhatsApp Cloud API cannot post into a group)
    channel: Literal["telegram"] = "telegram"
    # an officer's question or answer relayed to a reporter is signed with the officer's
    # name (Telegram name, or console username) only when the office chooses so
    show_name_to_reporters: bool = False


class ReportsConfig(_Section):
    """Reports of suspicious offers: numbering, urgency reminders, retention of personal data."""

    prefix: str = Field(default="SRG", pattern=r"^[A-Z]{2,6}$")
    urgent_reannounce_minutes: int = Field(default=30, ge=1, le=24 * 60)
    retention_days: int = Field(default=365, ge=30, le=3650)
    per_user_per_hour: int = Field(default=5, ge=1, le=1000)  # reports (and questions)
    per_address_per_hour: int = Field(default=20, ge=1, le=100_000)  # web chat addresses


class QuestionsConfig(_Section):
    """Typed questions the bot could not answer, kept (without who asked) for content authors."""

    retention_days: int = Field(default=180, ge=1, le=3650)


class FloodConfig(_Section):
    """Per-user flood limit of the server's channels: beyond it messages are dropped, and the
    user gets one "slow down" reply. The console is never limited."""

    burst: int = Field(default=20, ge=0, le=1000)  # messages at once; 0 turns the limit off
    per_minute: int = Field(default=60, ge=1, le=6000)  # sustained rate after the burst
    # web chat requests per client address, checked before anything is read or stored;
    # beyond it 429 with the "slow down" text. 0 turns it off
    per_address_burst: int = Field(default=60, ge=0, le=100_000)
    per_address_per_minute: int = Field(default=120, ge=1, le=600_000)


class NoticesConfig(_Section):
    """Messages the bot sends unasked (reminders, warnings, job alerts, officers' alerts):
    the quiet hours, in Asia/Jakarta time, during which they wait (from == until: none),
    and how long the key of a sent notice is kept."""

    quiet_from: time = time(21, 0)
    quiet_until: time = time(6, 0)
    # days a sent notice's key is kept, so the same notice is not sent twice meanwhile
    key_retention_days: int = Field(default=90, ge=1, le=3650)
    # days a job alert or a reminder held for a WhatsApp user (the 24-hour window closed, no
    # template) may still go out when they write again; then it is dropped, since the vacancy
    # may have closed and the step been done (officers' alerts and plan warnings wait longer)
    held_days: int = Field(default=14, ge=1, le=365)

    @field_validator("quiet_from", "quiet_until", mode="before")
    @classmethod
    def _clock_text(cls, value: object) -> object:
        if isinstance(value, int):  # YAML reads an unquoted 21:00 as a number (1260)
            raise ValueError('write the time in quotes, e.g. "21:00"')
        return value

    @field_validator("quiet_from", "quiet_until")
    @classmethod
    def _jakarta_clock(cls, value: time) -> time:
        if value.tzinfo is not None:  # the hours are Asia/Jakarta's; an offset cannot be compared
            raise ValueError('a time of day in Asia/Jakarta without a time zone, e.g. "21:00"')
        return value


class PlannerConfig(_Section):
    """Registered plans to work abroad: when a step left open gets its one reminder, and how
    long after the planned departure (or, when the person does not know the month yet,
    after the registration was last saved) the registration is anonymised."""

    reminder_days: int = Field(default=14, ge=1, le=365)
    retention_days_after_departure: int = Field(default=180, ge=0, le=3650)
    retention_days_without_departure: int = Field(default=545, ge=0, le=3650)


class ConsoleConfig(_Section):
    """The officers' web console at /officer: sessions, sign-in limits, self-refresh."""

    enabled: bool = True
    idle_minutes: int = Field(default=30, ge=1, le=24 * 60)  # a session unused this long ends
    session_hours: int = Field(default=12, ge=1, le=24 * 7)  # ... and any session after this
    # the session cookie is sent over HTTPS only; turn off only for http on a test machine
    secure_cookie: bool = True
    lock_after: int = Field(default=5, ge=1, le=100)  # wrong passwords in a row lock an account
    lock_minutes: int = Field(default=15, ge=1, le=24 * 60)  # ... for this long
    sign_ins_per_address: int = Field(default=20, ge=1, le=10_000)  # attempts, then 429
    sign_ins_per_address_minutes: int = Field(default=15, ge=1, le=24 * 60)  # ... per this time
    refresh_seconds: float = Field(default=10, ge=0.2, le=600)  # the queue checks for news


class LoggingConfig(_Section):
    """Log verbosity. Message bodies are never logged at INFO."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Config(_Section):
    """The whole configuration."""

    server: ServerConfig = Field(default_factory=ServerConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    content: ContentConfig = Field(default_factory=ContentConfig)
    session: SessionConfig = Field(default_factory=SessionConfig)
    media: MediaConfig = Field(default_factory=MediaConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    whatsapp: WhatsAppConfig = Field(default_factory=WhatsAppConfig)
    officers: OfficersConfig = Field(default_factory=OfficersConfig)
    reports: ReportsConfig = Field(default_factory=ReportsConfig)
    questions: QuestionsConfig = Field(default_factory=QuestionsConfig)
    flood: FloodConfig = Field(default_factory=FloodConfig)
    notices: NoticesConfig = Field(default_factory=NoticesConfig)
    planner: PlannerConfig = Field(default_factory=PlannerConfig)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)


ENVIRONMENT: dict[str, tuple[str, str]] = {
    "BOT_HOST": ("server", "host"),
    "BOT_PORT": ("server", "port"),
    "BOT_DB": ("database", "path"),
    "WEB_SESSION_SECRET": ("server", "session_secret"),
    "TRUSTED_PROXIES": ("server", "trusted_proxies"),
    "TELEGRAM_BOT_TOKEN": ("telegram", "token"),
    "TELEGRAM_API_URL": ("telegram", "api_url"),
    "TELEGRAM_WEBHOOK_URL": ("telegram", "webhook_url"),
    "TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "WHATSAPP_TOKEN": ("whatsapp", "token"),
    "WHATSAPP_APP_SECRET": ("whatsapp", "app_secret"),
    "WHATSAPP_VERIFY_TOKEN": ("whatsapp", "verify_token"),
    "WHATSAPP_PHONE_NUMBER_ID": ("whatsapp", "phone_number_id"),
    "WHATSAPP_API_URL": ("whatsapp", "api_url"),
    "OFFICER_TELEGRAM_IDS": ("officers", "telegram_ids"),
    "OFFICER_CHAT_ID": ("officers", "chat_id"),
}
"""The public environment contract: variable -> (section, key)."""
LIST_KEYS = {"telegram_ids", "trusted_proxies"}
"""Keys whose environment variable is a comma-separated list."""


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Build the configuration from `BOT_CONFIG` (if set) and the environment."""
    environ = os.environ if environ is None else environ
    path_text = environ.get("BOT_CONFIG", "")
    raw: dict[str, Any] = {}
    document: Any = None
    display = path_text or "environment"
    if path_text:
        path = Path(path_text)
        if not path.is_file():
            raise ConfigError(f"BOT_CONFIG={path_text}: no such file")
        try:
            document = load_yaml(path, display)
        except YamlSourceError as error:
            raise ConfigError(str(error.problem)) from error
        if document is not None and not isinstance(document, dict):
            raise ConfigError(f"{display}:1: the config file must be a mapping of sections")
        raw = _expand(document or {}, environ)
    overrides: list[str] = []
    for variable, (section, key) in ENVIRONMENT.items():
        value = environ.get(variable)
        if value is None or value == "":
            continue
        if not isinstance(raw.get(section, {}), dict):
            break  # the file's own error is reported below
        raw.setdefault(section, {})
        raw[section] = dict(raw[section])
        raw[section][key] = _split_list(value) if key in LIST_KEYS else value
        overrides.append(variable)
    try:
        return Config.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error, document, display, overrides)) from error


def _expand(value: Any, environ: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _ENV_REFERENCE.sub(lambda m: environ.get(m.group(1)) or (m.group(2) or ""), value)
    if isinstance(value, dict):
        return {key: _expand(child, environ) for key, child in value.items()}
    if isinstance(value, list):
        return [_expand(child, environ) for child in value]
    return value


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _describe(error: ValidationError, document: Any, display: str, overrides: list[str]) -> str:
    by_key: dict[tuple[int | str, ...], str] = {ENVIRONMENT[name]: name for name in overrides}
    lines = []
    for item in error.errors():
        loc = tuple(item["loc"])
        key = ".".join(str(part) for part in loc)
        message = "unknown key" if item["type"] == "extra_forbidden" else item["msg"]
        if item["type"] == "extra_forbidden" and len(loc) >= 1:
            model: type[BaseModel] = Config
            for part in loc[:-1]:  # down the sections (each a model) to the one with the key
                field = model.model_fields.get(str(part))
                annotation = field.annotation if field else None
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    model = annotation
            message += f"; allowed: {', '.join(model.model_fields)}"
        variable = by_key.get(loc[:2]) if len(loc) >= 2 else None
        if variable:
            lines.append(f"environment {variable}: {key}: {message}")
        else:
            line = line_of(document, loc) if document is not None else 1
            lines.append(f"{display}:{line}: {key}: {message}")
    return "invalid configuration:\n  " + "\n  ".join(lines)
