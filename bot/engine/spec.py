"""The schema of the content files, as pydantic models.

`content/system.yaml` holds the keywords, system messages and button labels;
`content/flows/*.yaml` hold the dialog nodes keyed by id. Unknown keys and node
kinds are refused so that a typo in the content is reported, not ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.text import SCREEN_CHARS

I18n = dict[str, str]
"""A user-visible string: language code -> text."""

KeywordName = Literal["menu", "back", "help", "emergency", "language", "stop", "end", "delete"]
"""`stop` ends the conversation and every alert and reminder; `end` only the conversation."""
MessageName = Literal[
    "welcome",
    "welcome_back",
    "content_changed",
    "not_understood",
    "stale",
    "unsupported",
    "stopped",
    "notices_stopped",
    "notices_stopped_plan",
    "officer_alert",
    "job_alert",
    "job_alert_line",
    "job_alert_more",
    "delete_confirm",
    "deleted",
    "delete_cancelled",
    "language_prompt",
    "language_set",
    "sources",
    "invalid_text",
    "invalid_number",
    "invalid_phone",
    "invalid_yesno",
    "invalid_choice",
    "invalid_photo",
    "invalid_location",
    "failure",
    "slow_down",
    "alert",
    "report_summary",
    "report_prefilled",
    "report_filed",
    "report_urgent",
    "report_status",
    "report_not_found",
    "report_officer_message",
    "relay_question",
    "relay_answer",
    "relay_signature",
    "relay_plan",
    "relay_sent",
    "status_received",
    "status_claimed",
    "status_closed",
    "did_you_mean",
    "thanks",
    "opener",
    "question_filed",
    "report_limit",
    "media_not_asked",
    "no_answer",
    "other_answers",
]
LabelName = Literal[
    "next",
    "back",
    "menu",
    "yes",
    "no",
    "skip",
    "delete_yes",
    "emergency",
    "report",
    "not_this",
    "ask_officer",
    "form_stay",
    "form_leave",
]
InputType = Literal["text", "number", "phone", "yesno", "choice", "photo", "location"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormSpec(_Strict):
    """A multi-step form (the report) whose answers are kept as a draft when the user leaves."""

    leave: I18n  # asked when the user types "menu", "stop" or "end" in the middle
    resume: I18n  # said at the main menu while a draft waits
    resume_label: I18n  # the button that continues the draft
    keep_hours: int = Field(default=72, ge=1, le=24 * 30)


class SystemSpec(_Strict):
    """`content/system.yaml`: languages, special nodes, keywords, system texts."""

    languages: list[str] = Field(min_length=1)
    language_names: I18n
    start: str
    emergency: str
    help: str
    report: str
    screen_chars: int = Field(default=SCREEN_CHARS, ge=200, le=4000)
    keywords: dict[KeywordName, list[str]]
    yes_words: list[str]
    no_words: list[str]
    unsure_words: list[str] = Field(default_factory=list)
    next_words: list[str] = Field(default_factory=list)
    filler_words: list[str] = Field(default_factory=list)
    thanks_words: list[str] = Field(default_factory=list)
    opener_words: list[str] = Field(default_factory=list)  # "mau tanya": a question follows
    messages: dict[MessageName, I18n]
    labels: dict[LabelName, I18n]
    commands: dict[str, I18n] = Field(default_factory=dict)
    alert: str | None = None  # where a cry for help leads (numbers first)...
    alert_abroad: str | None = None  # ...and where it leads when the writer seems abroad
    ask_officer: str | None = None  # where "Tanya petugas" leads, with answers["question"]
    # a photo sent where none was asked (a screenshot of an advert, often) leads here; it is
    # fetched from the platform only once the user is inside `photo_form` (has agreed to
    # report), and saved as the answer of that form's photo question
    photo_offer: str | None = None
    photo_form: str | None = None
    # the page that explains every acronym: one used elsewhere must be on it, or explained
    # where it is used ("KP2MI (Kementerian ...)"); words in capitals that are no acronym
    # ("MENDESAK") are listed in `not_acronyms`
    glossary: str | None = None
    not_acronyms: list[str] = Field(default_factory=list)
    forms: dict[str, FormSpec] = Field(default_factory=dict)
    reference_pattern: str | None = None  # a report number typed anywhere...
    reference_node: str | None = None  # ...opens this node, with answers["reference"] set


class OptionSpec(_Strict):
    """A button in a menu or under a page: a label and the node it leads to; with `means`,
    a typed everyday "ya" (yes) or "tidak" (no) presses it (a consent, a save)."""

    label: I18n
    goto: str
    means: Literal["yes", "no"] | None = None


class TypedAnswer(_Strict):
    """What a choice does when it was typed as one of its words rather than pressed ("dubai"
    for "Negara lain"): the typed words are kept too, and the dialog goes on from there."""

    save: str  # the answer key the typed words are kept under
    goto: str  # where it leads instead of the choice's `goto` (the question for them skipped)


class ChoiceSpec(_Strict):
    """One allowed answer of an `ask` with input type `choice`."""

    value: str
    label: I18n
    goto: str | None = None  # where this answer leads, instead of the question's `next`
    # other ways people type this answer, in any language ("jaga lansia", "caregiver")
    words: list[str] = Field(default_factory=list)
    typed: TypedAnswer | None = None


class InputSpec(_Strict):
    """What an `ask` node accepts."""

    type: InputType
    max_length: int = Field(default=500, ge=1, le=4000)
    min: float | None = None
    max: float | None = None
    choices: list[ChoiceSpec] = Field(default_factory=list)
    optional: bool = False
    multiple: bool = False  # each answer is added to a list (e.g. several photos)


class MenuNode(_Strict):
    """A list of options leading to other nodes."""

    kind: Literal["menu"]
    text: I18n
    options: list[OptionSpec] = Field(min_length=1)


class PageNode(_Strict):
    """Text split into phone-sized screens, with optional links at the end."""

    kind: Literal["page"]
    text: I18n
    options: list[OptionSpec] = Field(default_factory=list)
    factual: bool = True
    sources: list[str] = Field(default_factory=list)
    reviewed: date | None = None


class AskNode(_Strict):
    """A question whose validated answer is saved under `save`, then goes to `next`."""

    kind: Literal["ask"]
    text: I18n
    input: InputSpec
    save: str
    next: str
    error: I18n | None = None
    # its answer was carried over from a check (answers["carried"] names it): go on, except
    # when the user goes back to it
    skip_if_answered: bool = False
    form: str | None = None  # part of this form: leaving asks first and keeps a draft


class ActionNode(_Strict):
    """Calls a named Python action; continues at `next`, or shows `options` after its output."""

    kind: Literal["action"]
    action: str
    args: dict[str, Any] = Field(default_factory=dict)
    text: I18n | None = None
    next: str | None = None
    options: list[OptionSpec] = Field(default_factory=list)
    form: str | None = None  # part of this form: leaving asks first and keeps a draft


class EndNode(_Strict):
    """A closing message; only the main menu follows."""

    kind: Literal["end"]
    text: I18n


Node = Annotated[MenuNode | PageNode | AskNode | ActionNode | EndNode, Field(discriminator="kind")]
NODE_KINDS = ("menu", "page", "ask", "action", "end")
