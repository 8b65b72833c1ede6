"""Matching quality: what people type for an agency, and what the registry search must answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.data.agencies import AgencyRegistry, load_agencies
from bot.data.matching import licence_key, name_key
from tests.conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def registry() -> AgencyRegistry:
    loaded, problems = load_agencies(FIXTURES / "agencies.csv", "agencies.csv")
    assert loaded is not None, problems
    return loaded


EXACT, SIMILAR = True, False
# (what the user types, the agency expected first or None for "not found", exact or similar)
CASES = [
    # the full name, however it is written
    ("PT Arta Bumi Sejahtera", "PT Arta Bumi Sejahtera", EXACT),
    ("arta bumi sejahtera", "PT Arta Bumi Sejahtera", EXACT),
    ("ARTA BUMI SEJAHTERA, PT", "PT Arta Bumi Sejahtera", EXACT),
    ("P.T. Arta Bumi Sejahtera", "PT Arta Bumi Sejahtera", EXACT),
    ("Perseroan Terbatas Arta Bumi Sejahtera", "PT Arta Bumi Sejahtera", EXACT),
    ("pt.arta-bumi-sejahtera", "PT Arta Bumi Sejahtera", EXACT),
    ("artabumisejahtera", "PT Arta Bumi Sejahtera", EXACT),
    ("  Usaha   Bersama  Makmur ", "PT Usaha Bersama Makmur", EXACT),
    ("Sinar Harapan Baru", "P.T. Sinar Harapan Baru (Persero)", EXACT),
    ("Bumi Putra Migran", "Perseroan Terbatas Bumi Putra Migran", EXACT),
    ("PT Mandiri Jaya", "PT Mandiri Jaya", EXACT),
    ("karya mandiri sejati", "PT Karya Mandiri Sejati", EXACT),
    # misspellings
    ("Arta Bumi Sejahtra", "PT Arta Bumi Sejahtera", SIMILAR),
    ("bina insan mandri", "PT Bina Insan Mandiri", SIMILAR),
    ("cahaya pelita nusantra", "PT Cahaya Pelita Nusantara", SIMILAR),
    ("jasa anugrah bersama", "PT Jasa Anugerah Bersama", SIMILAR),
    ("lintas samudera jaya", "PT Lintas Samudra Jaya", SIMILAR),
    ("rizki amanah sentosa", "PT Rizky Amanah Sentosa", SIMILAR),
    ("zamrud katulistiwa", "PT Zamrud Khatulistiwa Indah", SIMILAR),
    ("Bina Mandiri Insani", "PT Bina Insan Mandiri", SIMILAR),
    # part of a name, as people remember it
    ("arta bumi", "PT Arta Bumi Sejahtera", SIMILAR),
    ("PT. Cahaya Pelita", "PT Cahaya Pelita Nusantara", SIMILAR),
    ("duta karya", "PT Duta Karya Utama", SIMILAR),
    ("Eka Jaya", "PT Eka Jaya Abadi", SIMILAR),
    ("harapan bunda", "PT Harapan Bunda Sentosa", SIMILAR),
    ("mitra sejati", "PT Mitra Sejati Abadi", SIMILAR),
    ("putra banten", "PT Putra Banten Mandiri", SIMILAR),
    ("omega duta", "PT Omega Duta Global", SIMILAR),
    ("sinar harapan", "P.T. Sinar Harapan Baru (Persero)", SIMILAR),
    # licence numbers, written any way
    ("TEST/001/2019", "PT Arta Bumi Sejahtera", EXACT),
    ("test 001 2019", "PT Arta Bumi Sejahtera", EXACT),
    ("TEST-017-2021", "PT Omega Duta Global", EXACT),
    ("no izin TEST/017/2021", "PT Omega Duta Global", EXACT),
    ("SIP3MI TEST/005/2017", "PT Eka Jaya Abadi", EXACT),
    ("017/2021", "PT Omega Duta Global", SIMILAR),
    # close to a licensed name, but not it: never exact
    ("PT Eka Jaya Abadi Sentosa", "PT Eka Jaya Abadi", SIMILAR),
    ("Mitra Sejahtera Abadi Jaya", "PT Mitra Sejahtera Abadi", SIMILAR),
    ("Karya Mandiri Sejahtera", "PT Karya Mandiri Sejati", SIMILAR),
    ("PT Arta Bumi Sejahtera Indonesia", "PT Arta Bumi Sejahtera", SIMILAR),
    # not in the registry at all
    ("PT Maju Mundur Sejahtera", None, SIMILAR),
    ("PT Sumber Rejeki Abadi", None, SIMILAR),
    ("Global Karya Indonesia", None, SIMILAR),
    ("PT Cahaya Abadi", None, SIMILAR),
    ("asdfgh", None, SIMILAR),
    ("PT", None, SIMILAR),
    ("ab", None, SIMILAR),
    ("TEST/999/2030", None, SIMILAR),
]


@pytest.mark.parametrize("query,expected,exact", CASES, ids=[case[0] for case in CASES])
def test_search_finds_what_people_mean(registry, query, expected, exact):
    matches = registry.search(query)
    if expected is None:
        assert matches == [], [match.agency.name for match in matches]
        return
    assert matches, f"nothing found for {query!r}"
    assert matches[0].agency.name == expected
    assert matches[0].exact is exact


def test_the_table_is_big_enough():
    assert len(CASES) >= 40


def test_a_common_part_of_a_name_lists_every_agency_that_has_it(registry):
    names = {match.agency.name for match in registry.search("karya mandiri")}
    assert {"PT Karya Mandiri Utama", "PT Karya Mandiri Sejati"} <= names
    assert all(not match.exact for match in registry.search("karya mandiri"))
    assert len(registry.search("mandiri")) == 5, "at most five candidates"


def test_an_exact_name_comes_before_similar_ones(registry):
    matches = registry.search("karya mandiri utama")
    assert matches[0].agency.name == "PT Karya Mandiri Utama" and matches[0].exact
    assert all(not match.exact for match in matches[1:])


def test_words_every_sample_name_shares_are_ignored():
    shipped, problems = load_agencies(ROOT / "content" / "data" / "agencies.csv", "agencies.csv")
    assert shipped is not None, problems
    assert "contoh" in shipped.index.noise
    assert shipped.search("sejahtra")[0].agency.licence == "SAMPEL-001"
    assert shipped.short_name(shipped.agencies[0]) == "Sejahtera"


def test_keys_drop_legal_forms_brackets_and_punctuation():
    assert name_key("P.T. Bina-Karya (Persero) Tbk") == "bina karya"
    assert name_key("Perseroan Terbatas Sinar") == "sinar"
    assert licence_key("No. Izin SIP3MI: KEP/12/2020") == "kep122020"


def test_sample_registry_in_tests_is_labelled(registry):
    assert registry.sample and registry.as_of is not None
    assert Path(FIXTURES / "agencies.csv").read_text().startswith("# TEST DATA")
