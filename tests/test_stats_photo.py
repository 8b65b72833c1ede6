"""An officer's `/stats` in Telegram: one picture of the charts (a PNG drawn on the server,
no personal data), sent as a photo through the outbox with a short caption; the file is
private while it waits and gone once sent."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bot.officers.desk import Officer
from tests.fakes.bot_api import message_update
from tests.test_reports import ANONYMOUS_ANSWERS, GROUP, OFFICER, env, say  # noqa: F401 (fixture)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_an_officer_asking_for_statistics_receives_a_picture(env):  # noqa: F811
    fake, _, _, tmp_path = env
    await say(fake, 500, *ANONYMOUS_ANSWERS)
    await fake.wait_for(lambda: fake.sent(-100))

    fake.push(message_update(OFFICER, chat=GROUP, text="/stats"))
    await fake.wait_for(lambda: fake.called("sendPhoto"))
    (photo,) = fake.called("sendPhoto")
    assert photo["chat_id"] == -100 and photo["photo"]["bytes"] > 10_000
    caption = photo["caption"]
    assert "Statistik 8 minggu" in caption and "Laporan: 1" in caption
    assert "Pontang" not in caption, "one report in a kecamatan: '< 5', never named"
    assert len(caption) <= 1024
    exports = tmp_path / "media" / "exports"
    await fake.wait_for(lambda: not list(exports.glob("*.png")))


async def test_the_statistics_picture_is_a_private_png_until_sent(env):  # noqa: F811
    _, runtime, _, _ = env
    officer = Officer("telegram", OFFICER, "Petugas", -100)
    (reply,) = (await runtime.desk.read_message(officer, "/stats")).replies  # not sent: stays
    path = Path(reply.media)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as picture:
        width, height = picture.size
    assert width > height, "wide: Telegram shrinks a photo by its longer side"
    assert width <= 2560 and height <= 2560
