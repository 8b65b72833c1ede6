"""The shipped content as a reviewer would check it: sourced, short, walked by transcripts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content import PHONE_IN_TEXT
from bot.engine.spec import PageNode
from bot.export import export
from bot.transcripts import content_edges, run_all
from tests.conftest import ROOT

TRANSCRIPTS = ROOT / "content" / "transcripts"
SOURCES_LINE_BUDGET = 200


def test_shipped_content_has_no_warnings(actions):
    from bot.content import load_content

    content, problems = load_content(ROOT / "content", actions)
    assert content is not None
    assert [str(problem) for problem in problems] == []


def test_every_factual_page_names_sources_and_review_date(shipped_content):
    for node_id, node in shipped_content.flows.nodes.items():
        if isinstance(node, PageNode) and node.factual:
            assert node.sources and node.reviewed, node_id


def test_no_screen_exceeds_the_length_budget(shipped_content):
    flows = shipped_content.flows
    limit = flows.system.screen_chars
    for (node_id, lang), screens in flows.screens.items():
        node = flows.nodes[node_id]
        for paragraph in re.split(r"\n\s*\n|\n\s*---\s*\n", node.text[lang]):
            assert len(paragraph.strip()) <= limit, f"{node_id} ({lang}) paragraph too long"
        for screen in screens:
            assert len(screen) <= limit, f"{node_id} ({lang})"
        sources = "; ".join(node.sources)
        assert len(sources) <= SOURCES_LINE_BUDGET, f"{node_id}: sources line too long"


def test_every_phone_number_in_content_is_in_the_sourced_contacts_file(shipped_content):
    known = shipped_content.data.contacts.phone_numbers()
    texts = [
        text
        for node in shipped_content.flows.nodes.values()
        for text in (getattr(node, "text", None) or {}).values()
    ]
    texts += [
        text
        for message in shipped_content.flows.system.messages.values()
        for text in message.values()
    ]
    for text in texts:
        for number in PHONE_IN_TEXT.findall(text):
            digits = re.sub(r"\D", "", number)
            if len(digits) >= 6:
                assert digits in known, number
    for contact in shipped_content.data.contacts.contacts:
        assert contact.source and contact.source_date, contact.id


async def test_transcripts_pass_and_walk_every_link(shipped_content, actions):
    results = await run_all(TRANSCRIPTS, shipped_content, actions)
    assert results, "ship transcripts in content/transcripts"
    failures = [failure for result in results for failure in result.failures]
    assert failures == []
    walked = set().union(*(result.edges for result in results))
    assert sorted(content_edges(shipped_content) - walked) == []
    visited = set().union(*(result.visited for result in results))
    assert set(shipped_content.flows.nodes) - visited == set()


def test_export_writes_a_booklet_per_language(shipped_content, tmp_path: Path):
    paths = export(shipped_content, tmp_path)
    assert [path.name for path in paths] == ["content-id.md", "content-en.md"]
    indonesian = paths[0].read_text()
    assert indonesian.startswith("# Isi Migran Aman (id)")
    for node_id in shipped_content.flows.nodes:
        assert f"## `{node_id}`" in indonesian
    assert "0800-1000" in indonesian
    assert "Sources:" in paths[1].read_text()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_emergency_contacts_fit_one_telegram_message(shipped_content, actions, lang):
    import asyncio

    from bot.actions import ActionContext
    from tests.conftest import NOW

    spec = actions["emergency_contacts"]
    for group in shipped_content.data.contacts.groups:
        context = ActionContext(lang, {"groups": [group]}, {}, shipped_content.data, NOW)
        result = asyncio.run(spec.run(context))
        assert sum(len(text) for text in result.texts) < 4096, group


def test_the_report_forms_kecamatan_are_the_official_list(shipped_content):
    """A reporter's kecamatan buttons are the 29 of content/data/wilayah.yaml, spelled alike:
    officers' areas, alerts and statistics go by that list, so a report filed under another
    spelling would reach nobody's queue."""
    node = shipped_content.flows.nodes["report_kecamatan"]
    offered = tuple(choice.value for choice in node.input.choices if choice.value)  # "Tidak tahu"
    official = shipped_content.data.kecamatan_names()
    assert len(official) == 29 and sorted(offered) == sorted(official)
