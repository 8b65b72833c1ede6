"""How readable the content is, page by page: the report `export-content` prints.

For every node and language: the longest single message (a page's longest screen, or the
whole text of a menu, question or action), the average sentence length in words, and the
acronyms it uses, how many of them it spells out in brackets, "PMI (Pekerja Migran
Indonesia)", and how many legal articles ("Pasal 30") its running text names. Plain words are
the aim (issue "Plain words"): one message fits a phone screen (600 characters), sentences stay
short, each acronym is explained at most once per page, the rest in the glossary, and the legal
articles go in the page's sources, shown at its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import Content
from bot.content_wording import MARKUP, acronyms_in
from bot.engine.spec import PageNode
from bot.engine.text import split_screens

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
ARTICLE = re.compile(r"\b(?:Pasal|Articles?)\b")  # a legal article named in the running text
LONGEST = 15  # messages listed in the report
MANY_ACRONYMS = 5  # a page using more than this many is counted in the summary


@dataclass(frozen=True, slots=True)
class PageReading:
    """The readability figures of one node in one language."""

    node: str
    lang: str
    longest_message: int  # characters
    sentences: int
    words_per_sentence: float
    acronyms: tuple[str, ...]
    spelled_out: int  # acronyms explained in brackets: "PMI (Pekerja Migran Indonesia)"
    articles: int  # legal articles named in the running text: "Pasal 30", "Article 18"


def read_pages(content: Content) -> list[PageReading]:
    """The figures of every node with text, in every language."""
    flows = content.flows
    found = []
    for node_id, node in flows.nodes.items():
        for lang, text in (getattr(node, "text", None) or {}).items():
            if not text.strip():
                continue
            if isinstance(node, PageNode):
                messages = split_screens(text, flows.system.screen_chars)
            else:
                messages = [text]
            plain = MARKUP.sub("", text.replace("\n---\n", "\n"))
            sentences = [part for part in SENTENCE.split(plain) if len(part.split()) >= 2]
            words = sum(len(sentence.split()) for sentence in sentences)
            found.append(
                PageReading(
                    node_id,
                    lang,
                    max(len(message) for message in messages),
                    len(sentences),
                    words / len(sentences) if sentences else 0.0,
                    acronyms_in(text),
                    sum(
                        len(re.findall(rf"\b{re.escape(acronym)}\s*\(", text))
                        for acronym in acronyms_in(text)
                    ),
                    len(ARTICLE.findall(text)),
                )
            )
    return found


def report(content: Content) -> str:
    """The readability report as Markdown."""
    pages = read_pages(content)
    budget = content.flows.system.screen_chars
    lines = ["# Readability", ""]
    for lang in content.flows.system.languages:
        mine = [page for page in pages if page.lang == lang]
        sentences = sum(page.sentences for page in mine)
        words = sum(page.words_per_sentence * page.sentences for page in mine)
        over = [page for page in mine if page.longest_message > budget]
        longest_one = max(mine, key=lambda page: page.longest_message)
        crowded = [
            page
            for page in mine
            if page.node != content.flows.system.glossary and len(page.acronyms) > MANY_ACRONYMS
        ]
        lines += [
            f"## {lang}",
            "",
            f"{len(mine)} nodes with text; {sentences} sentences, "
            f"{words / sentences if sentences else 0:.1f} words per sentence on average; "
            f"{len(over)} with a message over {budget} characters.",
            "",
            f"Longest message: {longest_one.longest_message} characters "
            f"(`{longest_one.node}`). {len(crowded)} nodes use more than {MANY_ACRONYMS} "
            "acronyms (the glossary aside); "
            f"{sum(page.spelled_out for page in mine)} acronyms are spelled out in brackets; "
            f"{sum(page.articles for page in mine)} legal articles (Pasal, Article) are named "
            "in the running text.",
            "",
            "| node | longest message (characters) | words per sentence | acronyms |",
            "|---|---|---|---|",
        ]
        longest = sorted(mine, key=lambda page: -page.longest_message)[:LONGEST]
        lines += [
            f"| `{page.node}` | {page.longest_message} | {page.words_per_sentence:.1f} | "
            f"{len(page.acronyms)}: {', '.join(page.acronyms) or '-'} |"
            for page in longest
        ]
        wordy = sorted(mine, key=lambda page: -page.words_per_sentence)[:5]
        lines += ["", "Longest sentences on average: " + ", ".join(
            f"`{page.node}` ({page.words_per_sentence:.0f} words)" for page in wordy
        ), ""]  # fmt: skip
        many = sorted(mine, key=lambda page: -len(page.acronyms))[:5]
        lines += ["Most acronyms: " + ", ".join(
            f"`{page.node}` ({len(page.acronyms)})" for page in many
        ), ""]  # fmt: skip
    return "\n".join(lines)
