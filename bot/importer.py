"""`import-agencies` and `import-jobs`: load an official list into `content/data/`, all or nothing.

Every row is checked with the same rules `check-content` uses. If any row is
rejected, the report lists each one as `file:line: reason` and nothing is
written. Otherwise the file is rewritten in one atomic step (a reader sees the
old list or the new one, never half of it); a running bot notices the file changed and
loads it within seconds, then announces the new open listings to their subscribers
(`bot.content_watch`, `bot.job_alerts`); a sample list is announced to nobody.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.data.agencies import COLUMNS as AGENCY_COLUMNS
from bot.data.agencies import AgencyRegistry, load_agencies, parse_agencies
from bot.data.csvfile import CsvError, Table, read_table, render_table, write_atomically
from bot.data.jobs import COLUMNS as JOB_COLUMNS
from bot.data.jobs import load_jobs, parse_jobs
from bot.data.loading import AGENCIES, JOBS, VOCABULARY
from bot.data.vocabulary import Vocabulary, load_vocabulary
from bot.yamlsource import Problem

Print = Callable[[str], None]
RELOAD_HINT = (
    "The running bot loads the new file within a few seconds (it watches it; kill -HUP <pid> "
    "reloads all content at once)."
)
SAMPLE_COMMENT = "SAMPEL / SAMPLE: contoh data, bukan daftar resmi. Example data, not official."


def import_agencies(
    file: Path,
    content_dir: Path,
    today: date,
    out: Print,
    source: str | None = None,
    as_of: date | None = None,
) -> int:
    """Replace the P3MI registry with `file`; returns the exit code."""
    table = _read(file, out)
    if table is None:
        return 1
    meta = dict(table.meta)
    if source:
        meta["source"] = source
    undated = not as_of and "as_of" not in meta
    if as_of or undated:
        meta["as_of"] = (as_of or today).isoformat()
    registry, problems = parse_agencies(replace(table, meta=meta))
    if registry is None:
        return _rejected(problems, out)
    if undated:
        out(f"note: the list has no date; using today ({today}). Pass --as-of to change it.")
    target = content_dir / "data" / AGENCIES
    comments = _comments("import-agencies", file, today, registry.sample)
    rows = [agency.row() for agency in registry.agencies]
    write_atomically(target, render_table(comments, registry.meta(), list(AGENCY_COLUMNS), rows))
    counts = Counter(agency.status for agency in registry.agencies)
    out(
        f"imported {len(rows)} agencies ({counts['active']} active, {counts['suspended']} "
        f"suspended, {counts['revoked']} revoked), list as of {registry.as_of}, into {target}."
    )
    _report_hidden_jobs(content_dir, registry, today, out)
    out(RELOAD_HINT)
    return 0


def import_jobs(file: Path, content_dir: Path, today: date, out: Print) -> int:
    """Replace the verified listings with `file`; every P3MI must be active in the registry.
    Says how many open listings are new (the running bot announces them once it loaded the
    file), or that a sample list is announced to nobody."""
    table = _read(file, out)
    if table is None:
        return 1
    data = content_dir / "data"
    vocabulary, problems = load_vocabulary(data / VOCABULARY, str(data / VOCABULARY), ["id"])
    registry, agency_problems = load_agencies(data / AGENCIES, str(data / AGENCIES))
    if vocabulary is None or registry is None or problems or agency_problems:
        for problem in problems + agency_problems:
            out(str(problem))
        out("the vocabulary or agency registry has problems; fix them first. Nothing imported.")
        return 1
    board, problems = parse_jobs(table, vocabulary, registry, today, strict=True)
    if board is None:
        return _rejected(problems, out)
    target = data / JOBS
    known = _listed_refs(target, vocabulary, registry, today)
    comments = _comments("import-jobs", file, today, board.sample)
    rows = [job.row() for job in board.jobs]
    write_atomically(target, render_table(comments, board.meta(), list(JOB_COLUMNS), rows))
    still_open = len(board.open(today, registry))
    out(
        f"imported {len(rows)} listings into {target}; {still_open} open today, "
        f"{len(rows) - still_open} already closed (not shown)."
    )
    fresh = [job for job in board.open(today, registry) if job.ref not in known]
    if board.sample:
        out(f"{len(fresh)} new open listing(s); sample data: not announced to subscribers.")
    else:
        out(
            f"{len(fresh)} new open listing(s): the running bot tells their subscribers once "
            "it has loaded the file (once each; recorded in its database)."
        )
    out(RELOAD_HINT)
    return 0


def _listed_refs(
    target: Path, vocabulary: Vocabulary, registry: AgencyRegistry, today: date
) -> set[str]:
    """The listing numbers of the current file (none if there is none yet)."""
    if not target.exists():
        return set()
    board, _ = load_jobs(target, str(target), vocabulary, registry, today)
    return {job.ref for job in board.jobs} if board else set()


def _read(file: Path, out: Print) -> Table | None:
    try:
        return read_table(file, str(file))
    except CsvError as error:
        out(str(error.problem))
        out("nothing imported.")
        return None


def _rejected(problems: list[Problem], out: Print) -> int:
    for problem in problems:
        out(str(problem))
    rows = len({problem.line for problem in problems if problem.severity == "error"})
    out(f"{rows} line(s) rejected; nothing imported, the current file is unchanged.")
    return 1


def _comments(command: str, file: Path, today: date, sample: bool) -> list[str]:
    comments = [f"Written by `python -m bot {command} {file.name}` on {today}. Edit with care:"]
    comments.append("check-content validates every row; the import command does the same.")
    return [SAMPLE_COMMENT, *comments] if sample else comments


def _report_hidden_jobs(
    content_dir: Path, registry: AgencyRegistry, today: date, out: Print
) -> None:
    """Listings whose P3MI is no longer active in the new registry are hidden; say which."""
    data = content_dir / "data"
    if not (data / JOBS).exists() or not (data / VOCABULARY).exists():
        return
    vocabulary, _ = load_vocabulary(data / VOCABULARY, str(data / VOCABULARY), [])
    if vocabulary is None:
        return
    _, problems = load_jobs(data / JOBS, str(data / JOBS), vocabulary, registry, today)
    for problem in problems:
        if "listing hidden" in problem.message:
            out(str(problem))
