""" "Langkah saya / My steps": the registered person's checklist, a page of steps at a time,
each step's detail (what to bring, where to go, why skipping it is dangerous), and the
tick that the person sets or takes back, saved with the turn (`SaveSteps`)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from bot.actions import ActionContext, ActionResult, action, wording_needs
from bot.actions.wording import check_args, day, fill, local_today, pick, short_label
from bot.data import ContentData
from bot.data.checklist import Step
from bot.effects import SaveSteps
from bot.planner.progress import first_open, route

PAGE_SIZE = 5  # steps per page: with paging and the way back, within WhatsApp's 10 rows
WORDING = wording_needs(
    __name__,
    *("done", "undo", "list", "more", "previous", "bring", "where", "status_open"),
    *("all_ticked", "missing"),
    status_done=("date",),
    ticked=("number", "next"),
    unticked=("number",),
)
"""The buttons and labels of the checklist, and the lines that confirm a tick."""


def _needs_checklist(data: ContentData) -> str | None:
    return None if data.checklist else "needs the checklist content/data/checklist.yaml"


@action(
    "planner_steps",
    required=("save", "header", "pick"),
    check_args=check_args(answers=("save",), texts=("header", "pick"), needs=_needs_checklist),
    offers_choices=True,
)
async def planner_steps(context: ActionContext) -> ActionResult:
    """A page of the person's steps, or one step's detail; a tick is saved with the turn.
    Paging, picking and ticking all run this node again."""
    services, data, lang = context.needs_services(), context.data, context.lang
    assert data.checklist is not None
    labels, save = context.words(WORDING), context.args["save"]
    registration = await services.store.registration(context.channel, context.user)
    if registration is None:
        return ActionResult(texts=[labels["missing"]], failed=True)
    steps = route(data.checklist, registration.country, registration.sector)
    picked = context.answers.get(save)
    picked = picked if isinstance(picked, dict) else {}
    pages = math.ceil(len(steps) / PAGE_SIZE)
    page = min(max(int(picked.get("page") or _page_of(steps, registration.done)), 1), pages)
    numbers = {step.id: number for number, step in enumerate(steps, 1)}
    done = dict(registration.done)
    texts: list[str] = []
    effects: tuple[SaveSteps, ...] = ()
    step_id = picked.get("tick") or picked.get("step")
    if picked.get("tick") in numbers:
        step_id = str(picked["tick"])
        if picked.get("done"):
            done[step_id] = local_today(context.now).isoformat()
        else:
            done.pop(step_id, None)
        current = first_open(steps, done)
        effects = (SaveSteps(context.channel, context.user, done, current.id if current else ""),)
        texts.append(_tick_text(labels, lang, numbers[step_id], current, bool(picked.get("done"))))
    step = next((step for step in steps if step.id == step_id), None)
    if step is None:
        result = _page(context, steps, done, page, pages)
    else:
        result = _detail(labels, lang, step, numbers[step.id], done, page)
        reviewed = data.checklist.reviewed.strftime("%d-%m-%Y")
        if context.flows is not None:  # where the step comes from, as on every page
            sources = "; ".join(step.sources)
            named = context.flows.message("sources", lang, sources=sources, reviewed=reviewed)
            result = ([*result[0][:-1], f"{result[0][-1]}\n\n{named}"], result[1])
    return ActionResult(
        texts=[*texts, *result[0]],
        choices=result[1],
        save=save,
        # the pick is answered: a later visit shows the page, never ticks again
        answers={save: {"page": page}},
        effects=effects,
    )


def _page_of(steps: list[Step], done: dict[str, str]) -> int:
    """The page of the first open step: where the person is."""
    current = first_open(steps, done)
    index = steps.index(current) if current else len(steps) - 1
    return index // PAGE_SIZE + 1


def _tick_text(
    labels: dict[str, str], lang: str, number: int, current: Step | None, ticked: bool
) -> str:
    if not ticked:
        return fill(labels["unticked"], number=number)
    if current is None:
        return labels["all_ticked"]
    return fill(labels["ticked"], number=number, next=pick(current.title, lang))


def _page(
    context: ActionContext, steps: list[Step], done: dict[str, str], page: int, pages: int
) -> tuple[list[str], list[tuple[str, Any]]]:
    lang, labels = context.lang, context.words(WORDING)
    current = first_open(steps, done)
    header = fill(
        pick(context.args["header"], lang),
        done=sum(step.id in done for step in steps),
        total=len(steps),
        page=page,
        pages=pages,
    )
    shown = list(enumerate(steps, 1))[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    lines = [
        f"{'✅' if step.id in done else '👉' if step is current else '⬜'} {number}. "
        f"{pick(step.title, lang)}{' ⚠️' if step.red_flag else ''}"
        for number, step in shown
    ]
    choices: list[tuple[str, Any]] = [
        (short_label(pick(step.title, lang)), {"step": step.id, "page": page}) for _, step in shown
    ]
    if page < pages:
        choices.append((labels["more"], {"page": page + 1}))
    if page > 1:
        choices.append((labels["previous"], {"page": page - 1}))
    return [header, "\n".join(lines), pick(context.args["pick"], lang)], choices


def _detail(
    labels: dict[str, str], lang: str, step: Step, number: int, done: dict[str, str], page: int
) -> tuple[list[str], list[tuple[str, Any]]]:
    ticked = done.get(step.id)
    status = (
        fill(labels["status_done"], date=day(date.fromisoformat(ticked)))
        if ticked
        else labels["status_open"]
    )
    lines = [f"*{number}. {pick(step.title, lang)}*", status]
    if step.bring:
        lines.append(f"{labels['bring']}: {pick(step.bring, lang)}")
    lines.append(f"{labels['where']}: {pick(step.where, lang)}")
    if step.red_flag:
        lines.append(f"⚠️ {pick(step.red_flag, lang)}")
    toggle = (
        (labels["undo"], {"tick": step.id, "done": False, "page": page})
        if ticked
        else (labels["done"], {"tick": step.id, "done": True, "page": page})
    )
    return ["\n".join(lines)], [toggle, (labels["list"], {"page": page})]
