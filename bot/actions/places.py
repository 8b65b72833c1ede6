"""Places typed by people: the kecamatan and desa of the kabupaten
(`content/data/wilayah.yaml`), found forgivingly, with the close ones (or all) to pick
from when what was typed is not clear, and whatever is typed at that list read again."""

from __future__ import annotations

from typing import Any

from bot.actions import ActionContext, ActionResult, action
from bot.actions.wording import check_args, fill, pick
from bot.data import ContentData

EVERY_KECAMATAN = {"every": True}  # the value of the button that lists every kecamatan


def _needs_wilayah(data: ContentData) -> str | None:
    return None if data.wilayah else "needs the kecamatan and desa content/data/wilayah.yaml"


@action(
    "wilayah_kecamatan",
    required=("query_from", "pick", "save", "found", "unclear", "everything"),
    check_args=check_args(
        answers=("query_from", "pick", "save"),
        texts=("unclear", "everything"),
        needs=_needs_wilayah,
    ),
    offers_choices=True,
)
async def wilayah_kecamatan(context: ActionContext) -> ActionResult:
    """The kecamatan the person typed (saved, then on to `found`); when it is not clear,
    the close ones to pick from (`pick`), a button with every kecamatan (`everything`),
    and whatever she types there read again. A name only faintly like one of the
    kabupaten's (a kecamatan of Kota Serang) is offered nothing: the node's own options
    say what to do."""
    wilayah, args = context.data.wilayah, context.args
    assert wilayah is not None
    picked = context.answers.get(args["pick"])
    chosen = wilayah.by_name(picked) if isinstance(picked, str) and picked else None
    query = str(context.answers.get(args["query_from"]) or "")
    found = chosen or wilayah.find(query)
    if found:
        return ActionResult(
            answers={args["save"]: found.name, args["pick"]: ""}, goto=args["found"]
        )
    every = picked == EVERY_KECAMATAN
    candidates = wilayah.kecamatan if every else wilayah.suggest(query)
    choices: list[tuple[str, Any]] = [(kecamatan.name, kecamatan.name) for kecamatan in candidates]
    if not every:
        choices.append((pick(args["everything"], context.lang), EVERY_KECAMATAN))
    return ActionResult(
        texts=[] if every else [fill(pick(args["unclear"], context.lang), query=query)],
        choices=choices,
        save=args["pick"],
        typed=args["query_from"],
        answers={args["pick"]: ""},
    )


@action(
    "wilayah_desa",
    required=("query_from", "kecamatan_from", "save", "unclear"),
    optional=("optional", "retry"),
    check_args=check_args(
        answers=("query_from", "kecamatan_from", "save"), texts=("unclear",), needs=_needs_wilayah
    ),
    offers_choices=True,
)
async def wilayah_desa(context: ActionContext) -> ActionResult:
    """The desa the person typed, in their kecamatan; when it is not clear, the kecamatan's
    desa to pick from, or (with `retry`, a node) the `unclear` text with their names
    ({desa}) before that node asks again. With `optional: true` the desa may be left out:
    an empty answer (skipped) or an unknown kecamatan saves "" and goes on."""
    wilayah, args = context.data.wilayah, context.args
    assert wilayah is not None
    kecamatan = wilayah.by_name(str(context.answers.get(args["kecamatan_from"]) or ""))
    query = str(context.answers.get(args["query_from"]) or "")
    if args.get("optional") is True and (kecamatan is None or not query.strip()):
        return ActionResult(answers={args["save"]: ""})
    if kecamatan is None:  # the content changed under the dialog: ask the kecamatan again
        return ActionResult(failed=True)
    found = kecamatan.find_desa(query)
    if found:
        return ActionResult(answers={args["save"]: found})
    names = kecamatan.desa_names()
    text = fill(
        pick(args["unclear"], context.lang),
        query=query,
        kecamatan=kecamatan.name,
        desa=", ".join(names),
    )
    if args.get("retry"):
        return ActionResult(texts=[text], goto=str(args["retry"]))
    return ActionResult(texts=[text], choices=[(name, name) for name in names], save=args["save"])
