"""The command line: run the server, chat in the terminal, check content, replay transcripts,
import the official P3MI list and verified job listings, measure and review the understanding
of typed questions, manage the officers' web console accounts (`officer`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.actions import load_actions
from bot.config import Config, ConfigError, load_config
from bot.content import ContentLoadError, load_checked_content, load_content
from bot.store import Store, StoreError
from bot.transcripts import content_edges, run_all

T = TypeVar("T")
QUESTION_SET = Path("tests/understanding/questions.yaml")
ALARM_SET = Path("tests/understanding/alarms.yaml")
ADVERT_SET = Path("tests/understanding/adverts.yaml")


def run_event_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on uvloop's event loop where it is installed (Linux, macOS):
    the same asyncio API, a quarter more messages per second through the webhooks in
    `make bench`. Elsewhere on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m bot` and the `migran-aman` script; returns the exit code."""
    parser = argparse.ArgumentParser(prog="migran-aman", description="Migran Aman chatbot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="serve the web chat and the configured channels (default)")
    commands.add_parser("chat", help="talk to the bot in this terminal (reads stdin until EOF)")
    check = commands.add_parser("check-content", help="validate the content; file:line errors")
    check.add_argument("dir", nargs="?", help="content directory (default: from config)")
    check.add_argument("--quiet", action="store_true", help="do not print warnings")
    transcripts = commands.add_parser("test-transcripts", help="replay transcript YAML files")
    transcripts.add_argument("dir", type=Path, help="folder with transcript *.yaml files")
    transcripts.add_argument("--content", type=Path, help="content directory")
    export = commands.add_parser("export-content", help="write the content as Markdown booklets")
    export.add_argument("--out", type=Path, default=Path("export"), help="output folder")
    agencies = commands.add_parser(
        "import-agencies",
        help="load the official P3MI list (CSV) into content/data; all or nothing",
    )
    agencies.add_argument("file", type=Path, help="CSV file with the agencies")
    agencies.add_argument("--source", help="whose list it is (shown to users)")
    agencies.add_argument("--as-of", type=date.fromisoformat, help="date of the list, YYYY-MM-DD")
    agencies.add_argument("--content", type=Path, help="content directory")
    jobs = commands.add_parser(
        "import-jobs", help="load verified job listings (CSV) into content/data; all or nothing"
    )
    jobs.add_argument("file", type=Path, help="CSV file with the listings")
    jobs.add_argument("--content", type=Path, help="content directory")
    evaluate = commands.add_parser(
        "eval-questions", help="accuracy of typed-question routing and of the alarm"
    )
    evaluate.add_argument("--set", type=Path, default=QUESTION_SET, help="question set YAML")
    evaluate.add_argument("--alarms", type=Path, default=ALARM_SET, help="alarm set YAML")
    evaluate.add_argument("--content", type=Path, help="content directory")
    adverts = commands.add_parser(
        "eval-adverts", help="how well forwarded job adverts are recognised and checked"
    )
    adverts.add_argument("--set", type=Path, default=ADVERT_SET, help="advert set YAML")
    adverts.add_argument("--content", type=Path, help="content directory")
    unanswered = commands.add_parser(
        "unanswered", help="questions the bot could not answer, grouped and counted"
    )
    unanswered.add_argument("--days", type=int, default=30, help="asked in the last N days")
    unanswered.add_argument("--top", type=int, default=50, help="show at most N groups")
    from bot.console.accounts import add_parser as add_officer_parser

    add_officer_parser(commands)
    arguments = parser.parse_args(argv)
    try:
        config = load_config()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    logging.basicConfig(
        level=config.logging.level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    command = arguments.command or "run"
    if command == "check-content":
        return check_content(Path(arguments.dir or config.content.dir), arguments.quiet)
    if command == "export-content":
        return export_content(Path(config.content.dir), arguments.out)
    if command in ("import-agencies", "import-jobs"):
        content_dir = arguments.content or Path(config.content.dir)
        return import_list(command, arguments, content_dir, Path(config.database.path))
    if command == "eval-questions":
        return eval_questions(arguments, arguments.content or Path(config.content.dir))
    if command == "eval-adverts":
        return eval_adverts(arguments.set, arguments.content or Path(config.content.dir))
    if command == "unanswered":
        return run_event_loop(list_unanswered(config, arguments.days, arguments.top))
    if command == "officer":
        from bot.console.accounts import run as run_officer

        return run_event_loop(run_officer(arguments, config))
    if command == "test-transcripts":
        return run_event_loop(
            test_transcripts(arguments.dir, arguments.content or Path(config.content.dir))
        )
    try:
        return run_event_loop(_serve(config) if command == "run" else _chat(config))
    except ContentLoadError as error:
        print(error, file=sys.stderr)
        return 2
    except StoreError as error:
        print(f"database error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


async def _serve(config: Config) -> int:
    from bot.server import serve

    await serve(config)
    return 0


async def _chat(config: Config) -> int:
    from bot.app import open_runtime
    from bot.channels.console import ConsoleChannel

    async with open_runtime(config) as runtime:
        await ConsoleChannel(runtime).run()
    return 0


def check_content(content_dir: Path, quiet: bool = False) -> int:
    """Print every content problem as file:line; exit code 1 if there are errors."""
    content, problems = load_content(content_dir, load_actions())
    for problem in problems:
        if problem.severity == "error" or not quiet:
            print(problem)
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    if content is None:
        print(f"{errors} error(s), {warnings} warning(s): content NOT usable", file=sys.stderr)
        return 1
    print(
        f"content OK: {len(content.flows.nodes)} nodes, version {content.flows.version}, "
        f"{warnings} warning(s)"
    )
    return 0


def import_list(
    command: str, arguments: argparse.Namespace, content_dir: Path, database: Path
) -> int:
    """Run `import-agencies` or `import-jobs`; the report goes to stdout. The running bot
    loads the new file by itself and announces new listings (`bot.content_watch`)."""
    from bot.importer import import_agencies, import_jobs
    from bot.notice_wording import NoticeWordingError, load_notice_wording

    today = date.today()
    if command == "import-jobs":
        try:  # the job alerts' wording, checked before anything is imported
            load_notice_wording(content_dir)
        except NoticeWordingError as error:
            print(
                f"{error}\nthe job alert's texts have problems; fix them first. Nothing imported."
            )
            return 1
        return import_jobs(arguments.file, content_dir, today, print)
    return import_agencies(
        arguments.file, content_dir, today, print, arguments.source, arguments.as_of
    )


def export_content(content_dir: Path, folder: Path) -> int:
    """Write one Markdown booklet per language; refuse content with errors."""
    from bot.export import export

    content, problems = load_content(content_dir, load_actions())
    if content is None:
        for problem in problems:
            print(problem)
        return 1
    from bot.readability import report

    for path in export(content, folder):
        print(f"wrote {path}")
    readability = folder / "readability.md"
    readability.write_text(report(content), encoding="utf-8")
    print(report(content))
    print(f"wrote {readability}")
    return 0


async def test_transcripts(folder: Path, content_dir: Path) -> int:
    """Replay transcripts; print failures and the links no transcript walked."""
    actions = load_actions()
    content, problems = load_content(content_dir, actions)
    if content is None:
        for problem in problems:
            print(problem)
        return 1
    results = await run_all(folder, content, actions)
    if not results:
        print(f"no transcripts (*.yaml) under {folder}")
        return 1
    for result in results:
        print(f"{'PASS' if result.passed else 'FAIL'}  {result.file}  ({result.name})")
        for failure in result.failures:
            print("    " + failure.replace("\n", "\n    "))
    walked = set().union(*(result.edges for result in results))
    missing = sorted(content_edges(content) - walked)
    for source, target in missing:
        print(f"not walked by any transcript: {source} -> {target}")
    failed = sum(not result.passed for result in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def eval_questions(arguments: argparse.Namespace, content_dir: Path) -> int:
    """Print the routing and alarm figures on the question sets."""
    from bot.understanding.evaluation import alarm_report, load_questions, question_report

    content = load_checked_content(content_dir, load_actions())
    understanding = content.flows.understanding
    print(question_report(understanding, load_questions(arguments.set)))
    print()
    print(alarm_report(understanding, arguments.alarms))
    return 0


def eval_adverts(path: Path, content_dir: Path) -> int:
    """Print the advert check's figures on the labelled set."""
    from bot.actions.advert_eval import advert_report, load_adverts

    content = load_checked_content(content_dir, load_actions())
    print(advert_report(content, load_adverts(path)))
    return 0


async def list_unanswered(config: Config, days: int, top: int) -> int:
    """Print the questions of the last `days` days that the bot could not answer."""
    from bot.understanding.unanswered import group_questions, table

    content = load_checked_content(Path(config.content.dir), load_actions())
    store = Store(config.database.path)
    await store.open()
    try:
        questions = await store.unanswered(datetime.now(UTC) - timedelta(days=days))
    finally:
        await store.close()
    groups = group_questions(questions, content.flows.understanding.normaliser)
    print(f"{len(questions)} questions in {len(groups)} groups, last {days} days")
    print(table(groups, top))
    return 0
