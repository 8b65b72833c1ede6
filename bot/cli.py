"""The command line: run the server, chat in the terminal, check content, replay transcripts,
import the official P3MI list and verified job listings."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bot.actions import load_actions
from bot.config import Config, ConfigError, load_config
from bot.content import load_content
from bot.runtime import ContentLoadError
from bot.store import StoreError
from bot.transcripts import content_edges, run_all

T = TypeVar("T")


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
        return import_list(command, arguments, arguments.content or Path(config.content.dir))
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


def import_list(command: str, arguments: argparse.Namespace, content_dir: Path) -> int:
    """Run `import-agencies` or `import-jobs`; the report goes to stdout."""
    from bot.importer import import_agencies, import_jobs

    today = date.today()
    if command == "import-jobs":
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
    for path in export(content, folder):
        print(f"wrote {path}")
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
