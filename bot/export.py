"""`export-content`: the whole content as one Markdown booklet per language, for reviewers.

Nodes appear in the order a user meets them (breadth-first from the main menu),
each with its text, buttons, sources and review date, followed by the contacts.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from bot.actions.contacts import format_contact
from bot.content import Content
from bot.engine.spec import ActionNode, AskNode, EndNode, MenuNode, PageNode

TITLES = {
    "id": ("Isi Migran Aman", "Tombol", "Sumber", "Diperiksa", "Kontak", "Pertanyaan", "Lanjut ke"),
    "en": (
        "Migran Aman content",
        "Buttons",
        "Sources",
        "Reviewed",
        "Contacts",
        "Question",
        "Continues to",
    ),
}


def node_order(content: Content) -> list[str]:
    """Node ids breadth-first from the start, emergency and help nodes; then any others."""
    system, nodes = content.flows.system, content.flows.nodes
    seen: list[str] = []
    queue = deque([system.start, system.emergency, system.help, system.report])
    while queue:
        node_id = queue.popleft()
        if node_id in seen or node_id not in nodes:
            continue
        seen.append(node_id)
        node = nodes[node_id]
        queue.extend(option.goto for option in getattr(node, "options", []) or [])
        if isinstance(node, AskNode | ActionNode) and node.next:
            queue.append(node.next)
    return seen + sorted(set(nodes) - set(seen))


def booklet(content: Content, lang: str) -> str:
    """The content in `lang` as Markdown."""
    flows = content.flows
    title, buttons, sources, reviewed, contacts, question, continues = TITLES.get(
        lang, TITLES["en"]
    )
    out = [f"# {title} ({lang})", "", f"Content version {flows.version}.", ""]
    for node_id in node_order(content):
        node = flows.nodes[node_id]
        out += [f"## `{node_id}` ({node.kind})", ""]
        text = flows.text(getattr(node, "text", None), lang)
        if text:
            out += [text.replace("\n---\n", "\n\n"), ""]
        if isinstance(node, AskNode):
            out += [f"*{question}: {node.input.type}* → `{node.save}`", ""]
        if isinstance(node, ActionNode):
            out += [f"*Action `{node.action}` {node.args}*", ""]
        if isinstance(node, MenuNode | PageNode | ActionNode) and node.options:
            out += (
                [f"{buttons}:"]
                + [f"- {flows.text(o.label, lang)} → `{o.goto}`" for o in node.options]
                + [""]
            )
        if isinstance(node, AskNode | ActionNode) and node.next:
            out += [f"{continues} `{node.next}`", ""]
        if isinstance(node, PageNode) and node.sources:
            out += [f"{sources}: {'; '.join(node.sources)}. {reviewed}: {node.reviewed}", ""]
        if isinstance(node, EndNode):
            out += ["---", ""]
    book = content.data.contacts
    out += [f"## {contacts}", "", f"{reviewed}: {book.reviewed}", ""]
    for group, members in book.in_groups(list(book.groups)):
        out += [f"### {flows.text(book.groups[group], lang)}", ""]
        out += [
            format_contact(contact, content.data, lang, full_source=True).replace("\n", "  \n")
            + "\n"
            for contact in members
        ]
    return "\n".join(out).rstrip() + "\n"


def export(content: Content, folder: Path) -> list[Path]:
    """Write `content-<lang>.md` for every language into `folder`; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in content.flows.system.languages:
        path = folder / f"content-{lang}.md"
        path.write_text(booklet(content, lang), encoding="utf-8")
        written.append(path)
    return written
