"""The readability report of `export-content` (issue "Plain words"): what a content author reads
to see where the text is still hard: the longest message, the sentence length, the pages
crowded with acronyms, the acronyms spelled out in brackets and the legal articles named in the
running text instead of the page's sources."""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.engine.flows import Flows
from bot.readability import read_pages, report


def with_page_text(content: Content, node_id: str, text: dict[str, str]) -> Content:
    """The shipped content with one page's text replaced."""
    flows = content.flows
    nodes = dict(flows.nodes)
    nodes[node_id] = nodes[node_id].model_copy(update={"text": text})
    return replace(content, flows=Flows(flows.system, nodes, flows.version))


def test_spelled_out_acronyms_and_articles_in_the_running_text_are_counted(shipped_content):
    wordy = with_page_text(
        shipped_content,
        "procedure_who",
        {
            "id": "PMI (Pekerja Migran Indonesia) harus berumur 18 tahun (UU 18/2017 Pasal 5). "
            "Tanyakan ke KBRI (kedutaan) atau KJRI, BP3MI, KP2MI, WNI, atau KTP Anda.",
            "en": "A PMI must be at least 18 years old.",
        },
    )
    pages = {(page.node, page.lang): page for page in read_pages(wordy)}
    wordy_id, plain_en = pages["procedure_who", "id"], pages["procedure_who", "en"]
    assert (wordy_id.spelled_out, wordy_id.articles) == (2, 1)
    assert (plain_en.spelled_out, plain_en.articles) == (0, 0)
    assert len(wordy_id.acronyms) == 8

    before, after = report(shipped_content), report(wordy)
    assert "nodes use more than 5 acronyms (the glossary aside)" in after
    assert "legal articles (Pasal, Article) are named in the running text" in after
    assert before != after


def test_sources_are_not_running_text(shipped_content):
    """A page's legal basis in its `sources` is where it belongs: it is not counted."""
    pages = {(page.node, page.lang): page for page in read_pages(shipped_content)}
    node = shipped_content.flows.nodes["procedure_who"]
    assert any("Pasal" in source for source in node.sources)
    assert pages["procedure_who", "id"].articles == 0
