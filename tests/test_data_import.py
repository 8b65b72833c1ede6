"""Registry files and their import commands: every row checked, all or nothing, line numbers."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.content import load_content
from bot.data.agencies import AgencyRegistry, load_agencies
from bot.data.csvfile import read_table, write_atomically
from bot.data.jobs import JobBoard, load_jobs
from bot.data.vocabulary import load_vocabulary
from bot.importer import import_agencies, import_jobs
from tests.conftest import ROOT, make_content_dir
from tests.test_cli import bot

TODAY = date(2026, 11, 28)
AGENCY_HEADER = "name,licence,status,status_date,head_office,branches,phone\n"
JOB_HEADER = (
    "ref,country,sector,position,employer,p3mi_licence,salary,worker_pays,quota,closes,"
    "verified_by,verified_on\n"
)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content tree with the shipped data files."""
    content = make_content_dir(tmp_path)
    for name in ("agencies.csv", "jobs.csv", "vocabulary.yaml", "offer_rules.yaml"):
        shutil.copy(ROOT / "content" / "data" / name, content / "data" / name)
    return content


def run(function, *args, **kwargs) -> tuple[int, str]:
    lines: list[str] = []
    code = function(*args, TODAY, lines.append, **kwargs)
    return code, "\n".join(lines)


def test_import_agencies_rejects_bad_rows_by_line_and_changes_nothing(content, tmp_path):
    before = (content / "data" / "agencies.csv").read_bytes()
    upload = tmp_path / "official.csv"
    upload.write_text(
        "# as_of: 2026-11-01\n"
        + AGENCY_HEADER
        + "PT Satu,LIC/1,active,2020-01-01,Jl. Satu,,\n"
        + "PT Dua,LIC/2,hilang,2020-01-01,Jl. Dua,,\n"
        + "PT Tiga,LIC/3,active,2020-31-01,Jl. Tiga,,\n"
        + ",LIC/4,active,2020-01-01,Jl. Empat,,\n"
        + "PT Lima,LIC/1,active,2020-01-01,Jl. Lima,,\n"
        + "PT Enam,LIC/6,active,2020-01-01\n",
        encoding="utf-8",
    )
    code, report = run(import_agencies, upload, content, source="Daftar uji")
    assert code == 1
    assert f"{upload}:4: error: status 'hilang' is not one of active" in report
    assert f"{upload}:5: error: status_date '2020-31-01' is not a date" in report
    assert f"{upload}:6: error: 'name' is empty" in report
    assert f"{upload}:7: error: licence 'LIC/1' already listed on line 3" in report
    assert f"{upload}:8: error: 4 fields, but the header has 7" in report
    assert "5 line(s) rejected; nothing imported" in report
    assert (content / "data" / "agencies.csv").read_bytes() == before


def test_import_agencies_needs_a_source_and_the_right_columns(content, tmp_path):
    upload = tmp_path / "official.csv"
    upload.write_text("nama,izin\nPT Satu,LIC/1\n", encoding="utf-8")
    code, report = run(import_agencies, upload, content)
    assert code == 1 and "missing column 'name'" in report and "unknown column 'nama'" in report
    upload.write_text(AGENCY_HEADER + "PT Satu,LIC/1,active,2020-01-01,Jl. Satu,,\n")
    code, report = run(import_agencies, upload, content)
    assert code == 1 and "header line '# source: ...' missing" in report


def test_import_agencies_loads_a_good_list_whole_and_says_how_to_publish(content, tmp_path):
    upload = tmp_path / "official.csv"
    upload.write_text(
        "\ufeffname;licence;status;status_date;head_office;branches;phone\n"  # a spreadsheet's
        "PT Satu Uji;LIC/1;aktif;01-02-2020;Jl. Satu;Serang | Cilegon;0254 000 000\n"
        'PT Dua Uji;LIC/2;dicabut;2024-05-05;"Jl. Dua; Blok B";;\n',
        encoding="utf-8",
    )
    code, report = run(import_agencies, upload, content, source="KP2MI", as_of=date(2026, 11, 1))
    assert code == 0, report
    assert "imported 2 agencies (1 active, 0 suspended, 1 revoked)" in report
    assert "kill -HUP" in report
    assert "SAMPEL-001' is not in the agency registry; listing hidden" in report
    registry, problems = load_agencies(content / "data" / "agencies.csv", "agencies.csv")
    assert problems == [] and registry is not None
    assert (registry.source, registry.as_of, registry.sample) == ("KP2MI", date(2026, 11, 1), False)
    first = registry.by_licence("LIC/1")
    assert first and first.status == "active" and first.branches == ("Serang", "Cilegon")
    assert registry.by_licence("LIC/2").head_office == "Jl. Dua; Blok B"
    _, problems = load_content(content, {})
    assert any("listing hidden" in p.message and p.severity == "warning" for p in problems)


def test_a_sample_registry_must_not_list_phone_numbers(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text(
        "# as_of: 2026-11-01\n# source: uji\n# sample: true\n"
        + AGENCY_HEADER
        + "PT Contoh,SAMPEL-1,active,2020-01-01,Jl. Contoh,,0812 3456 7890\n"
    )
    registry, problems = load_agencies(path, "agencies.csv")
    assert registry is None
    assert [str(p) for p in problems] == [
        "agencies.csv:5: error: a sample file must not list phone numbers; leave 'phone' empty"
    ]


def _job(ref="JO-1", country="TW", licence="SAMPEL-001", closes="2027-01-31", **fields) -> str:
    row = {
        "ref": ref,
        "country": country,
        "sector": "care",
        "position": "Perawat",
        "employer": "Panti Uji",
        "p3mi_licence": licence,
        "salary": "NT$ 1",
        "worker_pays": "Rp0",
        "quota": "2",
        "closes": closes,
        "verified_by": "Petugas",
        "verified_on": "2026-11-01",
        **fields,
    }
    return ",".join(row.values()) + "\n"


def test_import_jobs_checks_the_p3mi_and_every_field(content, tmp_path):
    before = (content / "data" / "jobs.csv").read_bytes()
    upload = tmp_path / "jobs.csv"
    upload.write_text(
        JOB_HEADER
        + _job("JO-1")
        + _job("JO-2", licence="SAMPEL-002")  # revoked
        + _job("JO-3", licence="NOPE-1")
        + _job("JO-4", country="Atlantis")
        + _job("JO-5", quota="dua")
        + _job("JO-6", closes="2026-10-01")  # before it was verified
        + _job("JO-7", position="Hubungi 0812-3456-7890")
        + _job("JO-1")
    )
    code, report = run(import_jobs, upload, content)
    assert code == 1
    assert (
        f"{upload}:3: error: P3MI 'PT Contoh Sejahtera Abadi (SAMPEL)' (SAMPEL-002) is " in report
    )
    assert f"{upload}:4: error: P3MI licence 'NOPE-1' is not in the agency registry" in report
    assert f"{upload}:5: error: country 'Atlantis' is not in vocabulary.yaml" in report
    assert f"{upload}:6: error: quota 'dua' is not a whole number" in report
    assert f"{upload}:7: error: closes is before verified_on" in report
    assert f"{upload}:8: error: 'position' contains a phone number" in report
    assert f"{upload}:9: error: ref 'JO-1' already listed on line 2" in report
    assert "nothing imported" in report
    assert (content / "data" / "jobs.csv").read_bytes() == before


def test_import_jobs_accepts_names_for_codes_and_counts_closed_listings(content, tmp_path):
    upload = tmp_path / "jobs.csv"
    upload.write_text(
        JOB_HEADER
        + _job("JO-1", country="Taiwan", sector="Perawat lansia")
        + _job("JO-2", country="jepang", licence="sampel-004", closes="2026-11-27")
    )
    code, report = run(import_jobs, upload, content)
    assert code == 0, report
    assert "imported 2 listings" in report and "1 open today, 1 already closed" in report
    table = read_table(content / "data" / "jobs.csv", "jobs.csv")
    assert [row["country"] for _, row in table.rows] == ["TW", "JP"]
    assert [row["p3mi_licence"] for _, row in table.rows] == ["SAMPEL-001", "SAMPEL-004"]


def test_import_commands_from_the_command_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    upload = tmp_path / "bad.csv"
    upload.write_text(AGENCY_HEADER + "PT Satu,LIC/1,hilang,2020-01-01,Jl. Satu,,\n")
    result = bot("import-agencies", str(upload), "--source", "uji", "--content", str(content))
    assert result.returncode == 1
    assert f"{upload}:2: error: status 'hilang'" in result.stdout
    result = bot(
        "import-jobs", str(ROOT / "content" / "data" / "jobs.csv"), "--content", str(content)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "imported 11 listings" in result.stdout


def test_check_content_reports_data_problems_by_file_and_line(content):
    path = content / "data" / "agencies.csv"
    path.write_text(path.read_text().replace("SAMPEL-005,active", "SAMPEL-005,maybe"))
    loaded, problems = load_content(content, {})
    assert loaded is None
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "maybe" in text)
    prefix = f"content/data/agencies.csv:{line}: error: status 'maybe'"
    assert any(str(problem).startswith(prefix) for problem in problems), problems


def test_offer_rules_must_test_answers_the_flows_save(content, actions):
    path = content / "data" / "offer_rules.yaml"
    path.write_text(path.read_text().replace("answer: offer_money", "answer: offer_mony", 1))
    (content / "flows" / "test.yaml").write_text(
        (ROOT / "tests" / "fixtures" / "flows.yaml").read_text()
    )
    _, problems = load_content(content, actions)
    assert any("rule 'money': no question saves 'offer_mony'" in p.message for p in problems)


def test_write_atomically_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "data" / "list.csv"
    write_atomically(target, "a\n")
    write_atomically(target, "b\n")
    assert target.read_text() == "b\n" and [p.name for p in target.parent.iterdir()] == ["list.csv"]


# ----- listings disappear by themselves ---------------------------------------------------


@pytest.fixture
def registries() -> tuple[JobBoard, AgencyRegistry]:
    data = ROOT / "content" / "data"
    vocabulary, _ = load_vocabulary(data / "vocabulary.yaml", "v", ["id", "en"])
    agencies, _ = load_agencies(data / "agencies.csv", "a")
    board, problems = load_jobs(data / "jobs.csv", "j", vocabulary, agencies, TODAY)
    assert board is not None and not problems
    return board, agencies


def test_expired_listings_are_hidden(registries):
    board, agencies = registries
    refs = {job.ref for job in board.open(date(2026, 10, 31), agencies)}
    assert "SAMPEL-JO-007" in refs, "open on its closing day"
    refs = {job.ref for job in board.open(date(2026, 11, 1), agencies)}
    assert "SAMPEL-JO-007" not in refs and len(refs) == len(board.jobs) - 1
    assert board.open(date(2030, 1, 1), agencies) == []


def test_listings_of_an_agency_no_longer_active_are_hidden(registries):
    board, agencies = registries
    revoked = tuple(
        replace(agency, status="revoked") if agency.licence == "SAMPEL-001" else agency
        for agency in agencies.agencies
    )
    changed = AgencyRegistry(revoked, agencies.as_of, agencies.source, agencies.sample)
    assert all(job.licence != "SAMPEL-001" for job in board.open(TODAY, changed))


def test_listings_are_newest_first(registries):
    board, agencies = registries
    dates = [job.verified_on for job in board.open(TODAY, agencies)]
    assert dates == sorted(dates, reverse=True)


async def test_a_reload_publishes_an_imported_list(make_runtime, tmp_path, actions):
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "content", content_dir)
    loaded, _ = load_content(content_dir, actions)
    runtime = await make_runtime(loaded, actions, content_dir=content_dir)
    upload = tmp_path / "official.csv"
    upload.write_text(AGENCY_HEADER + "PT Baru Resmi,LIC/9,active,2026-01-01,Jl. Baru,,\n")
    assert run(import_agencies, upload, content_dir, source="KP2MI")[0] == 0
    assert runtime.content.data.agencies.search("baru resmi") == []
    old_version = runtime.content.flows.version
    runtime.reload()  # what SIGHUP does
    assert runtime.content.data.agencies.search("baru resmi")[0].agency.licence == "LIC/9"
    assert runtime.content.flows.version != old_version, "buttons of the old list become stale"
