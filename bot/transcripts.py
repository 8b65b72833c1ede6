"""Transcript tests: conversations written as YAML, replayed through the engine.

A transcript file looks like this:

    name: Emergency contacts from the main menu
    steps:
      - send: halo                      # type a message
        expect: ["Selamat datang"]      # each text must appear in the replies
        options: ["Darurat"]            # each must be part of an offered button label
      - press: Darurat                  # press the button whose label contains this
        expect: ["0800-1000"]
      - send: kembali
        not_expect: ["0800-1000"]       # must NOT appear in the replies
      - photo: true                     # send a photo; also: location: [lat, lon],
                                        # sticker: true, open: true
      - wait_minutes: 45                # let time pass before the next step

Content authors run them with `python -m bot test-transcripts DIR`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.actions import ActionSpec
from bot.content import Content
from bot.dialog import run_turn
from bot.effects import name_report
from bot.engine.session import Session
from bot.engine.spec import ActionNode, AskNode
from bot.messages import Inbound, InboundKind, Location, Media, Reply
from bot.services import Services
from bot.store import Store
from bot.yamlsource import YamlSourceError, line_of, load_yaml

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
CHANNEL = "telegram"  # the person writes from a messaging app (one that receives alerts)
STEP_KEYS = {
    "send",
    "press",
    "photo",
    "location",
    "sticker",
    "open",
    "wait_minutes",
    "expect",
    "not_expect",
    "options",
}


@dataclass
class TranscriptResult:
    """The outcome of one transcript file."""

    file: str
    name: str
    failures: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    edges: set[tuple[str, str]] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return not self.failures


def _reply_text(replies: list[Reply]) -> str:
    return "\n".join(
        reply.text + "\n" + "\n".join(o.label for o in reply.options) for reply in replies
    )


async def run_transcript(
    path: Path, content: Content, actions: dict[str, ActionSpec], services: Services | None = None
) -> TranscriptResult:
    """Replay one transcript file against `content`."""
    try:
        document = load_yaml(path)
    except YamlSourceError as error:
        return TranscriptResult(str(path), path.stem, [str(error.problem)])
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        return TranscriptResult(str(path), path.stem, [f"{path}:1: needs a 'steps' list"])
    result = TranscriptResult(str(path), str(document.get("name", path.stem)))
    session: Session | None = None
    now = START
    last: list[Reply] = []
    for index, raw_step in enumerate(document["steps"]):
        line = line_of(document, ("steps", index))
        where = f"{path}:{line}"
        if not isinstance(raw_step, dict) or not set(raw_step) <= STEP_KEYS:
            unknown = set(raw_step) - STEP_KEYS if isinstance(raw_step, dict) else raw_step
            result.failures.append(f"{where}: unknown step keys {unknown}")
            break
        step_data: dict[str, Any] = raw_step
        now += timedelta(minutes=float(step_data.get("wait_minutes", 0)), seconds=1)
        inbound = _inbound(step_data, last, now)
        if isinstance(inbound, str):
            result.failures.append(f"{where}: {inbound}")
            break
        if inbound is None:
            continue
        before = session.node if session else None
        # each transcript is its own user (one person's session, reports and hourly cap)
        inbound = replace(inbound, user=f"transcript-{path.stem}", update_id=f"{path.stem}-{index}")
        turn = await run_turn(content, actions, session, inbound, services=services)
        session = turn.session
        _record(result, before, turn.visits)
        last = turn.replies
        if services is not None and turn.effects:  # a report filed: as the runtime commits it
            report = await services.store.commit_effects(CHANNEL, "", now, turn.effects)
            last = name_report(last, report)
        budget = content.flows.system.screen_chars
        for reply in last:  # what the person reads: action screens and prefixes included
            if len(reply.text) > budget:
                result.failures.append(
                    f"{where}: a reply of {len(reply.text)} characters, over the screen "
                    f"({budget}, screen_chars):\n{reply.text}"
                )
        seen = _reply_text(last)
        for wanted in step_data.get("expect", []):
            if str(wanted) not in seen:
                result.failures.append(f"{where}: expected {wanted!r} in the reply:\n{seen}")
        for unwanted in step_data.get("not_expect", []):
            if str(unwanted) in seen:
                result.failures.append(f"{where}: did not expect {unwanted!r} in:\n{seen}")
        labels = [option.label for reply in last for option in reply.options]
        for wanted in step_data.get("options", []):
            if not any(str(wanted) in label for label in labels):
                result.failures.append(f"{where}: expected an option {wanted!r}; got {labels}")
        if result.failures:
            break
    return result


def _inbound(step: dict[str, Any], last: list[Reply], now: datetime) -> Inbound | str | None:
    user = "transcript"
    if "send" in step:
        return Inbound(CHANNEL, user, InboundKind.TEXT, now, text=str(step["send"]))
    if "press" in step:
        wanted = str(step["press"])
        options = [option for reply in last for option in reply.options]
        matches = [option for option in options if wanted in option.label]
        if not matches:
            return f"no button containing {wanted!r}; buttons: {[o.label for o in options]}"
        return Inbound(CHANNEL, user, InboundKind.CHOICE, now, choice=matches[-1].id)
    if step.get("photo"):
        media = Media("image", "image/jpeg", 1000, "transcript-photo.jpg")
        return Inbound(CHANNEL, user, InboundKind.MEDIA, now, media=(media,))
    if "location" in step:
        latitude, longitude = step["location"]
        return Inbound(
            CHANNEL,
            user,
            InboundKind.LOCATION,
            now,
            location=Location(float(latitude), float(longitude)),
        )
    if step.get("sticker"):
        return Inbound(CHANNEL, user, InboundKind.UNSUPPORTED, now)
    if step.get("open"):
        return Inbound(CHANNEL, user, InboundKind.OPEN, now)
    return (
        None
        if "wait_minutes" in step
        else "a step needs send, press, photo, location, sticker, open or wait_minutes"
    )


def _record(result: TranscriptResult, before: str | None, visits: list[str]) -> None:
    previous = before
    for node in visits:
        result.visited.add(node)
        if previous:
            result.edges.add((previous, node))
        previous = node


def content_edges(content: Content) -> set[tuple[str, str]]:
    """Every link the content defines: (from node, to node)."""
    edges = set()
    for node_id, node in content.flows.nodes.items():
        for option in getattr(node, "options", []) or []:
            edges.add((node_id, option.goto))
        if isinstance(node, AskNode | ActionNode) and node.next:
            edges.add((node_id, node.next))
        if isinstance(node, AskNode):
            edges.update((node_id, choice.goto) for choice in node.input.choices if choice.goto)
    return edges


async def run_all(
    folder: Path, content: Content, actions: dict[str, ActionSpec]
) -> list[TranscriptResult]:
    """Replay every `*.yaml` transcript under `folder`, in name order.

    Actions that store things (filing a report) write to a throw-away database.
    """
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(Path(scratch) / "transcripts.db")
        await store.open()
        try:
            services = Services(store=store, media_dir=Path(scratch) / "media")
            return [
                await run_transcript(path, content, actions, services)
                for path in sorted(folder.rglob("*.yaml"))
            ]
        finally:
            await store.close()
