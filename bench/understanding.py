"""Typed-question routing on the shipped content: accuracy per part of the set, time per query."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench.harness import SERVER_CPU
from bot.actions import load_actions
from bot.content import load_content
from bot.understanding.evaluation import (
    QuestionScore,
    load_questions,
    milliseconds,
    score_alarms,
    score_questions,
)

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "understanding" / "questions.yaml"
ALARMS = ROOT / "tests" / "understanding" / "alarms.yaml"
WARM_ROUNDS = 5


@dataclass
class UnderstandingRun:
    """Figures per part ("tune", "holdout", ..., "all") and the time per query."""

    parts: dict[str, QuestionScore]
    cold_ms: tuple[float, float]  # median, p99: first pass, fresh caches
    warm_ms: tuple[float, float]  # later passes
    alarms: dict[str, tuple[float, float, int, int]]  # part -> recall, false rate, cries, everyday


def run() -> UnderstandingRun:
    """Load the shipped content fresh (empty caches), then read every question of the set."""
    os.sched_setaffinity(0, {SERVER_CPU})
    content, problems = load_content(ROOT / "content", load_actions())
    assert content is not None, problems
    understanding = content.flows.understanding
    items = load_questions(QUESTIONS)
    cold = score_questions(understanding, items)
    warm: list[float] = []
    for _ in range(WARM_ROUNDS):
        warm += score_questions(understanding, items).seconds
    parts = {"all": cold}
    for part in sorted({item.part for item in items}):
        parts[part] = score_questions(understanding, [i for i in items if i.part == part])
    alarms = {}
    for part in (None, "tune", "holdout", "unseen"):
        score = score_alarms(understanding, ALARMS, part)
        if score.cries or score.everyday:
            alarms[part or "all"] = (score.recall, score.false_rate, score.cries, score.everyday)
    return UnderstandingRun(parts, milliseconds(cold.seconds), milliseconds(warm), alarms)
