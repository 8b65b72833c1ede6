"""The actions' wording is content: an officer rewords a label in `content/wording.yaml`, the
running bot reloads it (as on SIGHUP), and the person on Telegram reads the new words; a
wording that breaks a placeholder is refused and the bot keeps talking with the old one."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT
from tests.people import TelegramPerson, telegram_channel
from tests.plans import register

SITI = 602


def reword(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def test_a_reworded_label_reaches_the_user_after_a_reload(
    tmp_path, bot_api, make_runtime, shipped_content, actions
):
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "content", content_dir)
    runtime = await make_runtime(shipped_content, actions, content_dir=content_dir)
    async with telegram_channel(runtime, bot_api, tmp_path / "media") as telegram:
        person = TelegramPerson(bot_api, telegram, SITI)
        await register(person)
        await person.says("menu")
        plan = await person.says("Rencana ke luar negeri")
        assert "Negara: Taiwan" in plan

        wording = content_dir / "wording.yaml"
        reword(wording, 'country: {id: "Negara",', 'country: {id: "Negara tujuan",')
        assert not [problem for problem in runtime.reload() if problem.severity == "error"]
        await person.says("menu")
        plan = await person.says("Rencana ke luar negeri")
        assert "Negara tujuan: Taiwan" in plan

        reword(wording, 'id: "Negara: {country}."', 'id: "Negara: {negara}."')
        problems = [str(problem) for problem in runtime.reload() if problem.severity == "error"]
        assert len(problems) == 1 and "planner.country_known.id" in problems[0], problems
        await person.says("menu")
        plan = await person.says("Rencana ke luar negeri")
        assert "Negara tujuan: Taiwan" in plan, "the last good wording stays"
