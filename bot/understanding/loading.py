"""Loading `content/understanding/` with every problem named by file and line.

`words.yaml` (slang, phrases, stopwords, entity routes), `alarms.yaml` (cries for
help) and `questions.yaml` (example questions per node). A missing file leaves its
part empty, so a content tree without them still loads.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from pydantic import RootModel

from bot.understanding import UnderstandingFiles
from bot.understanding.alarm import AlarmRules
from bot.understanding.words import WordRules
from bot.yamlsource import Problem, line_of, load_model

WORDS = "words.yaml"
SAVING_ROUTES = ("advert", "company", "jobs")  # routes whose node needs what was found
ALARMS = "alarms.yaml"
QUESTIONS = "questions.yaml"


class ExampleQuestions(RootModel[dict[str, dict[str, list[str]]]]):
    """`questions.yaml`: node id -> language -> example questions."""


def load_understanding(
    folder: Path,
    display: Callable[[Path], str],
    node_ids: Collection[str],
    languages: Collection[str],
    blobs: list[bytes],
) -> tuple[UnderstandingFiles, list[Problem]]:
    """Read the understanding files under `folder`; `blobs` gets their bytes (content version)."""
    problems: list[Problem] = []

    def read(name: str, model: Any, empty: Any) -> tuple[Any, Any]:
        path = folder / name
        if not path.exists():
            return None, None
        blobs.append(path.read_bytes())
        loaded, document, found = load_model(path, display(path), model, empty=empty)
        problems.extend(found)
        return loaded, document

    words, words_doc = read(WORDS, WordRules, {})
    alarms, _ = read(ALARMS, AlarmRules, {})
    examples, examples_doc = read(QUESTIONS, ExampleQuestions, {})
    if words is not None:
        where = display(folder / WORDS)
        for name, route in words.routes.items():
            if name in SAVING_ROUTES and not route.save:
                problems.append(
                    Problem(
                        where,
                        line_of(words_doc, ("routes", name)),
                        f"routes.{name}: needs 'save', the answer key the found {name} is kept as",
                    )
                )
            if route.node not in node_ids:
                problems.append(
                    Problem(
                        where,
                        line_of(words_doc, ("routes", name)),
                        f"routes.{name}: no node '{route.node}'",
                    )
                )
    questions = examples.root if examples is not None else {}
    where = display(folder / QUESTIONS)
    for node_id, by_lang in questions.items():
        if node_id not in node_ids:
            problems.append(
                Problem(where, line_of(examples_doc, (node_id,)), f"{node_id}: no such node")
            )
        for lang in by_lang:
            if lang not in languages:
                problems.append(
                    Problem(
                        where,
                        line_of(examples_doc, (node_id, lang)),
                        f"{node_id}.{lang}: unknown language (known: {', '.join(languages)})",
                    )
                )
    files = UnderstandingFiles(
        words=words or WordRules(), alarms=alarms or AlarmRules(), examples=questions
    )
    return files, problems
