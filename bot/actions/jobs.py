"""Browsing verified job listings: `jobs_countries`, `jobs_sectors` and `jobs_list`.

Only open listings of active P3MIs are shown (closing date not passed in Serang),
newest first, a page at a time. `jobs_list` shows a page or, once a listing is
picked, that listing, and one tap further how to apply through the official route.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from bot.actions import ActionContext, ActionResult, action, wording_needs
from bot.actions.wording import check_args, day, fill, local_today, pick, sample_note, short_label
from bot.data import ContentData
from bot.data.jobs import Job

PAGE_SIZE = 5
ALL_SECTORS = "all"
WORDING = wording_needs(
    __name__,
    *("all", "more", "previous", "list", "apply", "back_to_job", "pick", "employer", "p3mi"),
    *("licence", "salary", "worker_pays", "quota", "people", "closes", "ref"),
    verified=("who", "date"),
)
"""The labels and buttons of the listings and of one listing."""


def _needs_jobs(data: ContentData) -> str | None:
    if not data.jobs.loaded:
        return "needs the listings content/data/jobs.csv"
    if not data.vocabulary.countries or not data.agencies.loaded:
        return "needs content/data/vocabulary.yaml and content/data/agencies.csv"
    return None


def _open_jobs(context: ActionContext) -> list[Job]:
    data = context.data
    return data.jobs.open(local_today(context.now), data.agencies)


def _with_sample_note(context: ActionContext, texts: list[str]) -> list[str]:
    return [*texts, sample_note(context.lang)] if context.data.jobs.sample else texts


@action(
    "jobs_countries",
    required=("save", "empty"),
    check_args=check_args(answers=("save",), texts=("empty",), needs=_needs_jobs),
    offers_choices=True,
)
async def jobs_countries(context: ActionContext) -> ActionResult:
    """The countries that have open listings, with how many, most first."""
    counts = Counter(job.country for job in _open_jobs(context))
    if not counts:
        return ActionResult(
            texts=_with_sample_note(context, [pick(context.args["empty"], context.lang)])
        )
    vocabulary = context.data.vocabulary
    names = {code: vocabulary.country(code, context.lang) for code in counts}
    order = sorted(counts, key=lambda code: (-counts[code], names[code]))
    return ActionResult(
        texts=_with_sample_note(context, []),
        choices=[(f"{names[code]} ({counts[code]})", code) for code in order],
        save=context.args["save"],
    )


@action(
    "jobs_sectors",
    required=("country_from", "save", "prompt", "all", "empty"),
    optional=("elsewhere",),
    check_args=check_args(
        answers=("country_from", "save"), texts=("prompt", "all", "empty"), needs=_needs_jobs
    ),
    offers_choices=True,
    links=("elsewhere",),
)
async def jobs_sectors(context: ActionContext) -> ActionResult:
    """The sectors of one country's open listings, after an 'all sectors' choice; for a
    country with none, `empty` and the node `elsewhere` (the countries that have some)."""
    args, lang, vocabulary = context.args, context.lang, context.data.vocabulary
    country = context.answers.get(args["country_from"])
    jobs = [job for job in _open_jobs(context) if job.country == country]
    if not jobs:  # typed "loker korea" for a country with none: the countries that have some
        elsewhere = args.get("elsewhere")
        if elsewhere:
            return ActionResult(texts=[pick(args["empty"], lang)], goto=str(elsewhere))
        return ActionResult(texts=[pick(args["empty"], lang)], failed=True)
    counts = Counter(job.sector for job in jobs)
    names = {code: vocabulary.sector(code, lang) for code in counts}
    choices: list[tuple[str, Any]] = [(f"{pick(args['all'], lang)} ({len(jobs)})", ALL_SECTORS)]
    choices += [
        (f"{names[code]} ({counts[code]})", code)
        for code in sorted(counts, key=lambda code: (-counts[code], names[code]))
    ]
    prompt = fill(pick(args["prompt"], lang), country=vocabulary.country(str(country), lang))
    return ActionResult(texts=[prompt], choices=choices, save=args["save"])


@action(
    "jobs_list",
    required=("country_from", "sector_from", "save", "header", "apply", "empty"),
    check_args=check_args(
        answers=("country_from", "sector_from", "save"),
        texts=("header", "apply", "empty"),
        needs=_needs_jobs,
    ),
    offers_choices=True,
)
async def jobs_list(context: ActionContext) -> ActionResult:
    """A page of listings, or the picked listing; paging and picking both run this node again."""
    args = context.args
    country = context.answers.get(args["country_from"])
    sector = context.answers.get(args["sector_from"])
    jobs = [
        job
        for job in _open_jobs(context)
        if job.country == country and sector in (ALL_SECTORS, job.sector)
    ]
    if not jobs:
        return ActionResult(texts=[pick(args["empty"], context.lang)], failed=True)
    where = [country, sector]
    picked = context.answers.get(args["save"])
    if not (isinstance(picked, dict) and picked.get("in") == where):
        picked = {}  # a pick from another country or sector: start at the first page
    pages = math.ceil(len(jobs) / PAGE_SIZE)
    page = min(max(int(picked.get("page", 1)), 1), pages)
    job = next((job for job in jobs if job.ref == picked.get("ref")), None)
    if job is None:
        return _page(context, jobs, page, pages, where)
    if picked.get("apply"):
        return _how_to_apply(context, job, {"ref": job.ref, "page": page, "in": where})
    return _detail(context, job, {"page": page, "in": where})


def _page(
    context: ActionContext, jobs: list[Job], page: int, pages: int, where: list[Any]
) -> ActionResult:
    lang, vocabulary, labels = context.lang, context.data.vocabulary, context.words(WORDING)
    shown = jobs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    country, sector = where
    header = fill(
        pick(context.args["header"], lang),
        country=vocabulary.country(country, lang),
        sector=labels["all"] if sector == ALL_SECTORS else vocabulary.sector(sector, lang),
        count=len(jobs),
        page=page,
        pages=pages,
    )
    lines = [  # the employer and the rest are one tap away, on the listing itself
        f"{number}. *{job.position}*\n    {labels['quota']} {job.quota} · "
        f"{labels['closes']} {day(job.closes)}"
        for number, job in enumerate(shown, (page - 1) * PAGE_SIZE + 1)
    ]
    choices: list[tuple[str, Any]] = [
        (short_label(job.position), {"ref": job.ref, "page": page, "in": where}) for job in shown
    ]
    if page < pages:
        choices.append((labels["more"], {"page": page + 1, "in": where}))
    if page > 1:
        choices.append((labels["previous"], {"page": page - 1, "in": where}))
    texts = [header, "\n".join(lines), labels["pick"]]
    return ActionResult(
        texts=_with_sample_note(context, texts), choices=choices, save=context.args["save"]
    )


def _detail(context: ActionContext, job: Job, back: dict[str, Any]) -> ActionResult:
    lang, data, labels = context.lang, context.data, context.words(WORDING)
    vocabulary = data.vocabulary
    agency = data.agencies.by_licence(job.licence)
    agency_name = agency.name if agency else job.licence
    lines = [
        f"*{job.position}*",
        f"{vocabulary.country(job.country, lang)} · {vocabulary.sector(job.sector, lang)}",
        f"{labels['employer']}: {job.employer}",
        f"{labels['p3mi']}: {agency_name} ({labels['licence']} {job.licence})",
        f"{labels['salary']}: {job.salary}",
        f"{labels['worker_pays']}: {job.worker_pays}",
        f"{labels['quota']}: {job.quota} {labels['people']}",
        f"{labels['closes']}: {day(job.closes)}",
        f"{labels['ref']}: {job.ref}",
        fill(labels["verified"], who=job.verified_by, date=day(job.verified_on)),
    ]
    return ActionResult(
        texts=_with_sample_note(context, ["\n".join(lines)]),
        choices=[
            (labels["apply"], {**back, "ref": job.ref, "apply": True}),
            (labels["list"], back),
        ],
        save=context.args["save"],
    )


def _how_to_apply(context: ActionContext, job: Job, listing: dict[str, Any]) -> ActionResult:
    """How to apply for `job` through the official route, with the way back to it."""
    agency = context.data.agencies.by_licence(job.licence)
    text = fill(
        pick(context.args["apply"], context.lang),
        ref=job.ref,
        agency=agency.name if agency else job.licence,
    )
    return ActionResult(
        texts=_with_sample_note(context, [text]),
        choices=[(context.words(WORDING)["back_to_job"], listing)],
        save=context.args["save"],
    )
