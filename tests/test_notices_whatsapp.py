"""A reminder on WhatsApp, through signed webhooks and the fake Graph API: inside the
24-hour window a normal message; outside it the approved template configured for
reminders, carrying the text; without one, held until the person writes, then delivered."""

# ruff: noqa: F811  (the WhatsApp harness's fixtures are imported, then named as arguments)

from __future__ import annotations

from datetime import timedelta

from bot.effects import SendNotices
from bot.notices import Notice
from tests.test_whatsapp import WA, body_text, fake, wa, wa_content  # noqa: F401  (fixtures)
from tests.waiting import settled

REMINDER = "Pengingat: langkah *Medical check-up*\nbelum selesai sejak 30 hari."


async def remind(wa, key: str) -> None:
    notice = Notice("whatsapp", WA, "id", "reminder", REMINDER, key)
    await wa.store.commit_effects("whatsapp", "", wa.clock(), [SendNotices((notice,))])
    wa.runtime.mailroom.wake("whatsapp")


async def test_inside_the_window_a_reminder_is_a_normal_message(wa):
    await wa.say(WA, "hi")
    await wa.settle()
    await remind(wa, "step-medical")
    assert body_text(await wa.next(WA)) == REMINDER
    await remind(wa, "step-medical")  # the reminder pass runs again: nothing twice
    await settled(wa.channel.idle)
    assert len(wa.fake.sent(WA)) == 2


async def test_outside_the_window_the_reminder_template_carries_it(wa):
    await wa.close()
    await wa.open(notice_templates={"reminder": "pengingat_langkah"})
    await wa.say(WA, "hi")
    await wa.settle()
    wa.clock.offset = timedelta(hours=25)
    await remind(wa, "step-medical")
    sent = await wa.next(WA)
    assert sent["type"] == "template"
    assert sent["template"] == {
        "name": "pengingat_langkah",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {
                        "type": "text",
                        "text": REMINDER.replace("\n", " "),
                    }
                ],
            }
        ],
    }
    await wa.settle()
    assert wa.rows("SELECT status FROM outbox WHERE notice = 'reminder'") == [("sent",)]


async def test_outside_the_window_without_a_template_it_waits_for_the_person(wa):
    await wa.say(WA, "hi")
    await wa.settle()
    wa.clock.offset = timedelta(hours=25)
    await remind(wa, "step-medical")
    await wa.wait_rows("SELECT status FROM outbox WHERE notice = 'reminder'", [("held",)])
    await settled(wa.channel.idle)
    assert len(wa.fake.sent(WA)) == 1, "nothing is sent outside the window"
    assert body_text(await wa.say(WA, "menu")) == REMINDER, "delivered once they write"
    await wa.settle()
    assert wa.rows("SELECT status FROM outbox WHERE notice = 'reminder'") == [("sent",)]


async def test_a_held_reminder_older_than_its_time_is_dropped_not_sent_late(wa):
    """A reminder held for two weeks (or a job alert, whose vacancy may have closed) is not
    delivered when the person finally writes: the hourly pruning drops it."""
    await wa.say(WA, "hi")
    await wa.settle()
    wa.clock.offset = timedelta(hours=25)
    await remind(wa, "step-medical")
    warning = Notice("whatsapp", WA, "id", "warning", "Izin perekrut Anda dicabut.", "licence")
    await wa.store.commit_effects("whatsapp", "", wa.clock(), [SendNotices((warning,))])
    wa.runtime.mailroom.wake("whatsapp")
    await wa.wait_rows(
        "SELECT notice, status FROM outbox WHERE notice IS NOT NULL ORDER BY notice",
        [("reminder", "held"), ("warning", "held")],
    )
    await wa.runtime.prune(wa.clock() + timedelta(days=15), retention_days=90)
    assert wa.rows("SELECT notice FROM outbox WHERE notice IS NOT NULL") == [("warning",)], (
        "a warning about their own plan still waits for them"
    )
    await wa.say(WA, "menu")
    await wa.settle()
    texts = [body_text(sent) for sent in wa.fake.sent(WA)]
    assert "Izin perekrut Anda dicabut." in texts and REMINDER not in texts
