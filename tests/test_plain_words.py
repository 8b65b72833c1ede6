"""Plain words (issue "Plain words", items 2 and 3): emergency numbers ordered by where the person
is, each list in one short message, and one answer on costs wherever costs come up."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.actions import ActionContext
from bot.content import Content
from bot.engine.flows import Flows
from bot.engine.spec import ActionNode
from bot.transcripts import run_transcript
from tests.conftest import NOW, EngineChat

MESSAGE_LIMIT = 600  # characters in one message: one phone screen
COST_PAGES = ["procedure_costs", "country_taiwan", "country_hongkong"]
COUNTRY_PAGES = [
    "country_malaysia",
    "country_taiwan",
    "country_hongkong",
    "country_singapore",
    "country_saudi",
    "country_korea",
    "country_japan",
    "country_no_agreement",
]
# what every cost answer says, in each language (the legal basis may be in the page's sources,
# which are shown at its end)
COST_ANSWER = {
    "id": ["UU 18/2017 Pasal 30", "diubah pada 2025", "Disnakertrans", "BP3MI", "uang sponsor",
           "sebelum ada Perjanjian Kerja", "rekening pribadi"],
    "en": ["UU 18/2017 Pasal 30", "changed in 2025", "Disnakertrans", "BP3MI", "sponsor fee",
           "before you have signed the Perjanjian Kerja", "personal bank account"],
}  # fmt: skip
FREE = {"id": re.compile(r"gratis", re.I), "en": re.compile(r"\bfree\b", re.I)}
CAVEAT = {"id": re.compile(r"jangan percaya", re.I), "en": re.compile(r"do not trust", re.I)}


@pytest.fixture
def person(shipped_content, actions) -> EngineChat:
    return EngineChat(shipped_content, actions)


def assert_short(chat: EngineChat) -> None:
    for reply in chat.replies:
        assert len(reply.text) <= MESSAGE_LIMIT, f"{len(reply.text)} characters:\n{reply.text}"


def before(text: str, first: str, then: str) -> bool:
    return text.index(first) < text.index(then)


# ----- emergency numbers, ordered by where the person is -----------------------------------


async def test_a_cry_for_help_in_indonesia_shows_110_and_the_free_line_first(person):
    await person.say("tolong saya dikunci di kamar ga boleh keluar")
    assert person.node == "alert"
    assert_short(person)
    text = person.text
    for number in ["+62 811-8080-141", "peduliwni.kemlu.go.id", "+62 812 9007 0027"]:
        assert before(text, "110", number) and before(text, "0800-1000", number), number
    assert "Hanya dari Indonesia, bebas pulsa" in text
    assert before(text, "peduliwni.kemlu.go.id", "+62 812 9007 0027"), "embassy line first"
    assert "Terakhir dikonfirmasi 2020" in text
    assert "Saya di luar negeri" in person.labels[0]
    assert "(Sumber:" not in text and text.rstrip().splitlines()[-1].startswith("Sumber:")

    await person.press("Saya di luar negeri")
    assert person.node == "alert_abroad"
    assert_short(person)
    await person.press("Nomor lain")
    assert_short(person)
    assert "+60 10-528 8040" in person.text


async def test_a_cry_for_help_from_abroad_shows_the_embassy_and_the_62_numbers_first(person):
    await person.say("paspor saya ditahan majikan di malaysia tolong")
    assert person.node == "alert_abroad"
    assert_short(person)
    text = person.text
    assert "110" not in re.findall(r"\b\d+\b", text)
    first = ["peduliwni.kemlu.go.id", "+62 21 2924 4800", "+62 812 9007 0027", "+62 811-8080-141"]
    for number in first:
        assert before(text, number, "0800-1000"), number
    assert before(text, "peduliwni.kemlu.go.id", "+62 812 9007 0027"), "embassy line first"
    assert "Berbayar" in text and "Terakhir dikonfirmasi 2020" in text
    assert "Hanya dari Indonesia, bebas pulsa" in text
    await person.press("Nomor lain")
    assert_short(person)
    assert "KSATRIA" in person.text


async def test_the_emergency_keyword_and_its_pages_stay_short(person):
    await person.say("halo")
    await person.say("darurat")
    assert person.node == "emergency"
    assert_short(person)
    assert before(person.text, "110", "+62 811-8080-141")
    for label in ["Nomor lain", "Di luar negeri", "Di Kab. Serang"]:
        await person.press(label)
        assert_short(person)
        await person.say("kembali")
    await person.press("Di luar negeri")
    await person.press("Nomor lain")
    assert_short(person)


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_every_contact_list_fits_one_message(shipped_content, actions, lang):
    """Every node that lists contacts, in both languages, with the question it runs into."""
    flows = shipped_content.flows
    spec = actions["emergency_contacts"]
    lists = {
        node_id: node
        for node_id, node in flows.nodes.items()
        if isinstance(node, ActionNode) and node.action == "emergency_contacts"
    }
    assert {"emergency", "alert", "alert_abroad", "emergency_abroad"} <= set(lists)
    for node_id, node in lists.items():
        context = ActionContext(lang, node.args, {}, shipped_content.data, NOW)
        result = await spec.run(context)
        texts = [flows.text(node.text, lang), *result.texts]
        if node.next and not node.options:  # the list and the next question are one message
            texts.append(flows.text(getattr(flows.nodes[node.next], "text", None), lang))
        message = "\n\n".join(text for text in texts if text)
        assert len(message) <= MESSAGE_LIMIT, f"{node_id} ({lang}): {len(message)} characters"
        assert message.count("Sumber:" if lang == "id" else "Source:") == 1, node_id


def test_the_contact_picks_are_checked(shipped_content, actions):
    spec, data = actions["emergency_contacts"], shipped_content.data
    assert spec.problems({"groups": ["national"], "contacts": ["police_110"]}, data) == []
    assert spec.problems({"groups": ["abroad"], "skip": ["kjri_johor_ksatria"]}, data) == []
    (unknown,) = spec.problems({"groups": ["national"], "contacts": ["polisi"]}, data)
    assert "no contact polisi" in unknown
    (outside,) = spec.problems({"groups": ["national"], "skip": ["kjri_johor_ksatria"]}, data)
    assert "not in the groups national" in outside
    both = {"groups": ["national"], "contacts": ["police_110"], "skip": ["police_110"]}
    assert spec.problems(both, data) == ["give either 'contacts' or 'skip', not both"]


# ----- one answer on costs ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", COST_PAGES)
def test_the_cost_answer_is_the_same_on_the_cost_and_country_pages(shipped_content, page, lang):
    node = shipped_content.flows.nodes[page]
    text = shipped_content.flows.text(node.text, lang)
    for words in COST_ANSWER[lang]:
        assert words in f"{text}\n{'; '.join(node.sources)}", f"{page} ({lang}) lacks {words!r}"
    for sentence in re.split(r"(?<=[.!?;])\s+|\n+", text):
        if FREE[lang].search(sentence):
            assert CAVEAT[lang].search(sentence), f"{page} ({lang}) promises it free: {sentence}"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_country_page_gives_the_cost_answer(shipped_content, lang):
    for page in COUNTRY_PAGES:
        node = shipped_content.flows.nodes[page]
        text = f"{shipped_content.flows.text(node.text, lang)}\n{'; '.join(node.sources)}"
        assert all(words in text for words in COST_ANSWER[lang]), page
        assert "procedure_costs" in [option.goto for option in node.options], page


async def test_the_offer_check_gives_the_same_cost_answer_and_asks_about_cash_apart(
    shipped_content,
):
    rules = {rule.id: rule for rule in shipped_content.data.offer_rules.rules}
    for lang in ("id", "en"):
        why = rules["money"].why[lang]
        assert all(words in why for words in COST_ANSWER[lang]), why
    assert rules["money"].when.answer == "offer_money"
    assert rules["cash_up_front"].when.answer == "offer_cash"
    assert rules["cash_up_front"].level == "danger"
    assert "Kemlu (Apr 2023)" in rules["cash_up_front"].sources


def test_no_page_cites_the_revoked_or_replaced_rules_as_in_force(shipped_content):
    for node_id, node in shipped_content.flows.nodes.items():
        for text in (getattr(node, "text", None) or {}).values():
            assert "lebih dari 6 bulan" not in text and "longer than 6 months" not in text, node_id
            assert "melanggar larangan ini disebut" not in text, node_id
            if re.search(r"260(/| Tahun | of )2015", text):  # Kepmenaker 260/2015: only as revoked
                assert "dicabut" in text or "revoked" in text, node_id
        assert "Kepmenaker 260/2015" not in "; ".join(getattr(node, "sources", None) or []) or (
            "Pencabutan" in "; ".join(node.sources)
        ), node_id


# ----- every screen a person reads fits the screen, sources included -----------------------


def with_screen(content: Content, chars: int) -> Content:
    """The shipped content on a smaller phone screen."""
    flows = content.flows
    system = flows.system.model_copy(update={"screen_chars": chars})
    return replace(content, flows=Flows(system, flows.nodes, flows.version))


async def test_a_transcript_fails_on_a_reply_longer_than_the_screen(
    shipped_content, actions, tmp_path
):
    transcript = tmp_path / "report.yaml"  # a single text longer than 200 characters
    transcript.write_text("name: report\nsteps:\n  - send: halo\n  - press: Laporkan penipuan\n")
    small = with_screen(shipped_content, 200)
    result = await run_transcript(transcript, small, actions)
    assert any("over the screen (200, screen_chars)" in failure for failure in result.failures)
    assert (await run_transcript(transcript, shipped_content, actions)).passed


async def test_sources_that_do_not_fit_go_on_a_last_screen_of_their_own(shipped_content, actions):
    chat = EngineChat(with_screen(shipped_content, 300), actions)
    await chat.say("halo")
    await chat.press("Cara berangkat resmi")
    await chat.press("Biaya")
    screens = [chat.replies[-1].text]
    while any("Lanjut" in option.label for option in chat.replies[-1].options):
        await chat.press("Lanjut")
        screens.append(chat.replies[-1].text)
    assert all(len(screen) <= 300 for screen in screens), screens
    assert screens[-1].startswith("Sumber:") and "Diperiksa:" in screens[-1]
    assert not any("Sumber:" in screen for screen in screens[:-1])
