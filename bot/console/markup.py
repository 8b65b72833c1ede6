"""HTML built from pieces that are escaped unless they are `Html` already.

`el("p", "a < b", class_="note")` gives `<p class="note">a &lt; b</p>`: text and attribute
values are always escaped, so a reporter's words can never become markup on an officer's
screen. Only `Html` passes through as it is: what `el` built, and the SVG of the charts
(built the same careful way in `bot.officers.charts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

VOID = frozenset({"br", "img", "input", "link", "meta"})


class Html(str):
    """Markup that is safe to put in a page as it is."""

    __slots__ = ()


def el(tag: str, /, *children: object, **attributes: object) -> Html:
    """An element. Attribute names lose a trailing "_" (`class_`) and turn "_" into "-"
    (`data_stamp`); True is a bare attribute, None and False leave it out."""
    parts = [f"<{tag}"]
    for key, value in attributes.items():
        if value is None or value is False:
            continue
        attribute = key.rstrip("_").replace("_", "-")
        parts.append(f" {attribute}" if value is True else f' {attribute}="{escape(str(value))}"')
    parts.append(">")
    if tag in VOID:
        return Html("".join(parts))
    parts.append(join(children))
    parts.append(f"</{tag}>")
    return Html("".join(parts))


def join(children: Iterable[object]) -> Html:
    """Pieces one after the other: text escaped, `Html` as it is, lists flattened."""
    out: list[str] = []
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, Html):
            out.append(child)
        elif isinstance(child, str | int | float):
            out.append(escape(str(child), quote=False))
        elif isinstance(child, Iterable):
            out.append(join(child))
        else:
            raise TypeError(f"cannot put a {type(child).__name__} in a page")
    return Html("".join(out))
