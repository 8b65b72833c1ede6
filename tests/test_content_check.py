"""`check-content`: every class of content mistake is reported as file:line: message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import check_content
from bot.content import load_content
from tests.conftest import ROOT

VALID = "flows/test.yaml"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def line_of_text(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def errors(content_dir: Path, actions) -> list[str]:
    content, problems = load_content(content_dir, actions)
    found = [str(problem) for problem in problems if problem.severity == "error"]
    assert (content is None) == bool(found)
    return found


def test_fixture_content_is_valid(content_dir, actions):
    assert errors(content_dir, actions) == []


def test_shipped_content_is_valid(actions):
    assert check_content(Path(__file__).parent.parent / "content") == 0


def test_yaml_syntax_error(content_dir, actions):
    flows = content_dir / VALID
    replace(
        flows,
        '  text: {id: "Info singkat.", en: "Short info."}',
        '  text: {id: "Info singkat.", en: "Short info."',
    )
    (found,) = errors(content_dir, actions)
    assert found.startswith("content/flows/test.yaml:")
    assert "YAML syntax" in found


def test_unknown_node_kind(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, "  kind: end", "  kind: finish")
    line = line_of_text(flows, "kind: finish")
    (found,) = errors(content_dir, actions)
    assert found.startswith(f"content/flows/test.yaml:{line}: error: form_done.kind")
    assert "allowed: menu, page, ask, action, end" in found


def test_unknown_key(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, "  save: age\n", "  save: age\n  colour: red\n")
    line = line_of_text(flows, "colour: red")
    (found,) = errors(content_dir, actions)
    assert found == f"content/flows/test.yaml:{line}: error: form_age.colour: unknown key"


def test_link_to_missing_node(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, "  next: form_done", "  next: form_finished")
    line = line_of_text(flows, "next: form_finished")
    found = errors(content_dir, actions)
    assert (
        f"content/flows/test.yaml:{line}: error: form_place: links to missing node "
        "'form_finished'" in found
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "node"),
    [  # where an action may lead (its `links` arguments), and where a typed choice leads
        ("checks.yaml", "    elsewhere: jobs ", "    elsewhere: job ", "jobs_sectors"),
        (
            "planner.yaml",
            "goto: planner_country_find}",
            "goto: planner_country_finder}",
            "planner_country",
        ),
    ],
)
def test_every_other_link_to_a_missing_node_is_an_error(tmp_path, actions, file, old, new, node):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    flows = content / "flows" / file
    replace(flows, old, new)
    line = line_of_text(flows, new.strip())
    target = new.strip().split(": ")[-1].rstrip("}")
    assert (
        f"content/flows/{file}:{line}: error: {node}: links to missing node '{target}'"
        in errors(content, actions)
    )


def test_unreachable_node(content_dir, actions):
    (content_dir / "flows" / "extra.yaml").write_text(
        "orphan:\n  kind: end\n  text: {id: 'Sendiri', en: 'Alone'}\n"
    )
    (found,) = errors(content_dir, actions)
    assert found == "content/flows/extra.yaml:1: error: node 'orphan' is unreachable from 'main'"


def test_missing_translation(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, 'text: {id: "Setuju?", en: "Agree?"}', 'text: {id: "Setuju?"}')
    line = line_of_text(flows, 'text: {id: "Setuju?"}')
    (found,) = errors(content_dir, actions)
    assert (
        found == f"content/flows/test.yaml:{line}: error: form_agree.text: missing translation 'en'"
    )


def test_missing_translation_in_system_texts(content_dir, actions):
    system = content_dir / "system.yaml"
    replace(system, '  skip: {id: "Lewati", en: "Skip"}', '  skip: {id: "Lewati"}')
    line = line_of_text(system, 'skip: {id: "Lewati"}')
    (found,) = errors(content_dir, actions)
    assert found == f"content/system.yaml:{line}: error: labels.skip: missing translation 'en'"


def test_duplicate_id_in_one_file(content_dir, actions):
    flows = content_dir / VALID
    flows.write_text(flows.read_text() + "\nhelp:\n  kind: end\n  text: {id: a, en: b}\n")
    (found,) = errors(content_dir, actions)
    assert "duplicate key 'help'" in found
    assert (
        found.startswith(f"content/flows/test.yaml:{line_of_text(flows, 'help:') + 0}")
        or "content/flows/test.yaml:" in found
    )


def test_duplicate_id_across_files(content_dir, actions):
    (content_dir / "flows" / "more.yaml").write_text("info:\n  kind: end\n  text: {id: a, en: b}\n")
    (found,) = errors(content_dir, actions)
    assert found.startswith("content/flows/test.yaml:") or found.startswith(
        "content/flows/more.yaml:"
    )
    assert "duplicate node id 'info' (first defined at content/flows/" in found


def test_unknown_action(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, "action: emergency_contacts", "action: call_the_police")
    line = line_of_text(flows, "action: call_the_police")
    (found,) = errors(content_dir, actions)
    assert found.startswith(
        f"content/flows/test.yaml:{line}: error: emergency: unknown action 'call_the_police'"
    )


def test_missing_action_argument(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, "  args: {groups: [national]}\n", "")
    line = line_of_text(flows, "kind: action")
    (found,) = errors(content_dir, actions)
    assert found.startswith("content/flows/test.yaml:")
    assert int(found.split(":")[1]) in (line - 1, line)
    assert "action 'emergency_contacts' needs argument 'groups'" in found


def test_bad_action_argument_value(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, "args: {groups: [national]}", "args: {groups: [martians]}")
    (found,) = errors(content_dir, actions)
    assert "unknown contact group(s) martians" in found


def test_long_labels_are_warnings_not_errors(content_dir, actions):
    flows = content_dir / VALID
    replace(
        flows,
        'label: {id: "Halaman panjang", en: "Long page"}',
        'label: {id: "Halaman yang sangat panjang sekali", en: "Long page"}',
    )
    content, problems = load_content(content_dir, actions)
    assert content is not None
    (warning,) = problems
    line = line_of_text(flows, "Halaman yang sangat")
    assert str(warning).startswith(f"content/flows/test.yaml:{line}: warning: main: label")
    assert "24-character" in str(warning)


def test_factual_page_needs_sources_and_review_date(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, '  sources: ["Sumber Uji"]\n  reviewed: 2026-11-01\n', "")
    line = line_of_text(flows, "info:")
    found = errors(content_dir, actions)
    assert found == [
        f"content/flows/test.yaml:{line}: error: info: factual page without 'sources' "
        "(add them, or mark the page 'factual: false')",
        f"content/flows/test.yaml:{line}: error: info: factual page without 'reviewed' date",
    ]


def test_unsourced_phone_number_in_text(content_dir, actions):
    flows = content_dir / VALID
    replace(flows, '"Info singkat."', '"Info singkat. Telepon 0812 9999 0000."')
    (found,) = errors(content_dir, actions)
    assert "phone number '0812 9999 0000' is not in content/data/contacts.yaml" in found


def test_contacts_file_errors_name_line_and_key(content_dir, actions):
    contacts = content_dir / "data" / "contacts.yaml"
    replace(contacts, "    source_date: 2026-11-01", "    source_date: soon")
    line = line_of_text(contacts, "source_date: soon")
    (found,) = errors(content_dir, actions)
    assert found.startswith(f"content/data/contacts.yaml:{line}: error: contacts.0.source_date")


@pytest.mark.parametrize("word", ["yes", "no", "on", "off"])
def test_yaml_yes_no_stay_words(content_dir, actions, word):
    system = content_dir / "system.yaml"
    replace(system, "yes_words: [ya,", f"yes_words: [{word}, ya,")
    assert errors(content_dir, actions) == []


def test_a_typed_word_leading_to_two_answers_is_an_error(content_dir, actions):
    flows = content_dir / VALID
    replace(
        flows,
        '{value: care, label: {id: "Perawat lansia", en: "Elderly care"}}',
        '{value: care, label: {id: "Perawat lansia", en: "Elderly care"}, '
        "words: [jaga lansia, factory]}",
    )
    line = line_of_text(flows, "words: [jaga lansia, factory]")
    (found,) = errors(content_dir, actions)
    assert found.startswith(f"content/flows/test.yaml:{line}: error: form_kind")
    assert "'factory' of answer 'care' also leads to answer 'factory'" in found


def test_cli_prints_problems_and_fails(content_dir, capsys):
    replace(content_dir / VALID, "  next: form_done", "  next: nowhere")
    assert check_content(content_dir) == 1
    output = capsys.readouterr()
    assert "content/flows/test.yaml:" in output.out and "nowhere" in output.out
    assert "content NOT usable" in output.err


def test_a_message_over_one_screen_is_refused(content_dir, actions):
    """A menu's, question's or action's text is one message: at most `screen_chars` (600)
    characters, so it fits a phone without scrolling twice (a page is split by itself)."""
    flows = content_dir / "flows" / "test.yaml"
    long = "Kalimat yang terlalu panjang untuk satu layar. " * 15
    replace(flows, 'text: {id: "Menu utama tes",', f'text: {{id: "{long}",')
    found = errors(content_dir, actions)
    line = line_of_text(flows, "Kalimat yang terlalu panjang")
    assert any(
        f"test.yaml:{line}:" in problem and "one message holds at most 600" in problem
        for problem in found
    ), found


def test_an_acronym_must_be_in_the_glossary_or_explained_where_it_is_used(content_dir, actions):
    """With a glossary page, every acronym a text uses is on it, or explained on the page
    itself ("KP2MI (Kementerian ...)"); explained twice on one page is a warning."""
    system, flows = content_dir / "system.yaml", content_dir / "flows" / "test.yaml"
    system.write_text(system.read_text() + "glossary: info\n")
    replace(flows, '"Info singkat."', '"Info singkat. PMI: pekerja migran. HP: ponsel."')
    replace(flows, '"Layar satu.', '"Layar satu, lewat LTSA.')
    found = errors(content_dir, actions)
    line = line_of_text(flows, "lewat LTSA")
    assert [p for p in found if "'LTSA'" in p] == [
        f"content/flows/test.yaml:{line}: error: long: 'LTSA' (id) is not explained: add it "
        "to the glossary page 'info', or explain it here once, 'LTSA (...)' (a word in "
        "capitals that is no acronym goes under not_acronyms in system.yaml)"
    ]
    replace(flows, "lewat LTSA", "lewat LTSA (layanan terpadu satu atap)")
    assert errors(content_dir, actions) == [], "explained where it is used"
    replace(flows, '"Screen one.', '"Screen one, PMI (migrant worker) and PMI (again).')
    _, problems = load_content(content_dir, actions)
    assert any("'PMI' (en) is explained 2 times" in str(p) for p in problems)


WORDING = "wording.yaml"


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (  # a text the program reads, deleted
            '  all_done: {id: "semua sudah", en: "all done"}\n',
            "",
            "planner:",
            "planner.all_done: text missing: the program reads it",
        ),
        (
            'country: {id: "Negara", en: "Country"}',
            'country: {id: "Negara"}',
            'country: {id: "Negara"}',
            "planner.country: missing translation 'en'",
        ),
        (
            'en: "We note \\"{query}\\"',
            'en: "We note \\"{country}\\"',
            'en: "We note \\"{country}\\"',
            "planner.country_unknown.en: the 'en' text has the placeholders {country}; the "
            "program fills in {query} (keep them as they are, in every language)",
        ),
        (
            'country: {id: "Negara", en: "Country"}',
            'country: "Negara"',
            'country: "Negara"',
            "planner.country: a text is written in each language, like {id: ..., en: ...}",
        ),
    ],
)
def test_a_wording_mistake_names_file_line_and_key(content_dir, actions, old, new, at, message):
    wording = content_dir / WORDING
    replace(wording, old, new)
    line = line_of_text(wording, at)
    assert errors(content_dir, actions) == [f"content/wording.yaml:{line}: error: {message}"]


def test_wording_the_program_does_not_read_is_an_error(content_dir, actions):
    wording = content_dir / WORDING
    replace(wording, "planner:\n", 'planner:\n  nickname: {id: "Panggilan", en: "Nickname"}\n')
    replace(wording, "reports:\n", 'report:\n  yes: {id: "ya", en: "yes"}\nreports:\n')
    found = errors(content_dir, actions)
    nickname, group = line_of_text(wording, "nickname:"), line_of_text(wording, "report:")
    assert found == [
        f"content/wording.yaml:{nickname}: error: planner.nickname: the program does not use "
        "this text: remove it",
        f"content/wording.yaml:{group}: error: report: no action reads this group: remove it, "
        "or check its name",
    ]


def test_the_wording_file_must_be_there(content_dir, actions):
    (content_dir / WORDING).unlink()
    assert errors(content_dir, actions) == [
        "content/wording.yaml:1: error: file missing: the actions need the groups adverts, "
        "contacts, jobs, offer, planner, planner_steps, recruiters, reports"
    ]
