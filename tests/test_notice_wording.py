"""What subscribers read is content: the officers' warning frame and the job alert are
system.yaml messages; `check-content` names the file, line and key of a broken one, and
a job alert stays one screen however many vacancies it announces."""

from __future__ import annotations

from datetime import date

import pytest

from bot.data.jobs import Job
from bot.job_alerts import alert_text
from bot.notice_wording import NoticeWording, NoticeWordingError, load_notice_wording
from tests.test_content_check import errors, line_of_text, replace

OFFICER_ALERT_ID = "⚠️ *Peringatan dari petugas Kabupaten Serang*\\n{text}"


def test_a_frame_without_the_officers_words_is_refused(content_dir, actions):
    system = content_dir / "system.yaml"
    replace(system, OFFICER_ALERT_ID, "⚠️ *Peringatan dari petugas Kabupaten Serang*\\n")
    line = line_of_text(system, "Peringatan dari petugas Kabupaten Serang")
    assert errors(content_dir, actions) == [
        f"content/system.yaml:{line}: error: messages.officer_alert (id): must contain "
        "exactly {text}"
    ]
    with pytest.raises(NoticeWordingError, match="officer_alert"):  # import-jobs refuses too
        load_notice_wording(content_dir)


def test_an_unknown_placeholder_in_a_job_line_is_refused(content_dir, actions):
    system = content_dir / "system.yaml"
    replace(system, "Closes {closes}.", "Closes {closes}. Pay {salary}.")
    line = line_of_text(system, "Pay {salary}")
    assert errors(content_dir, actions) == [
        f"content/system.yaml:{line}: error: messages.job_alert_line (en): must contain "
        "exactly {closes}, {country}, {employer}, {position}, {sector}; unknown: {salary}"
    ]


def test_a_frame_must_leave_room_for_the_warning(content_dir, actions):
    system = content_dir / "system.yaml"
    padding = "Mohon dibaca dengan teliti. " * 12
    replace(system, OFFICER_ALERT_ID, OFFICER_ALERT_ID.replace("{text}", padding + "{text}"))
    (found,) = errors(content_dir, actions)
    assert "messages.officer_alert (id):" in found
    assert "leave less than 300 for the officer's warning on one screen (600" in found


def test_a_job_alert_names_what_fits_one_screen_and_counts_the_rest(shipped_content):
    wording = NoticeWording.of(shipped_content.flows.system)
    vocabulary = shipped_content.data.vocabulary
    jobs = [
        Job(
            f"JO-{number}",
            "Jepang",
            "Pabrik",
            "Operator mesin pengemasan makanan beku shift malam (SAMPEL)",
            "Contoh Kabushiki Kaisha Pengolahan Makanan Laut Hokkaido (SAMPEL)",
            "SAMPEL-001",
            "JPY 180000",
            "0",
            5,
            date(2099, 12, 31),
            "Disnaker Kab. Serang",
            date(2026, 11, 20),
        )
        for number in range(9)
    ]
    for lang in ("id", "en"):
        text = alert_text(jobs, wording, vocabulary, lang, sample=True)
        assert len(text) <= wording.screen_chars
        named = text.count("Operator mesin")
        assert 1 <= named < 9
        more = "dan {} lainnya" if lang == "id" else "and {} more"
        assert more.format(9 - named) in text
        assert text.splitlines()[-1].startswith("⚠️ SAMP"), "the sample note comes last"
