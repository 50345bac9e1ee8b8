"""A speech's title, occasion and date from its text (questions.meta.find_heading)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from questions.meta import find_heading, find_title

SPEECHES = Path(__file__).resolve().parents[3] / "shared" / "speeches"


def test_title_lines_are_joined_and_the_occasion_and_date_kept_apart():
    heading = find_heading(["举旗帜  讲政治", "努力开创新局面", "——在全市机关党的工作会议上的报告", "（2020年1月21日）", "同志们："])
    assert heading.title == "举旗帜 讲政治 努力开创新局面"
    assert heading.occasion == "在全市机关党的工作会议上的报告"
    assert heading.delivered == date(2020, 1, 21)


@pytest.mark.parametrize(("lines", "title"), [
    (["在纪念建党百年座谈会上的讲话", "同志们："], "在纪念建党百年座谈会上的讲话"),
    (["同志们：", "今天，我们召开2026年全区机关党建工作会议，主要任务是总结工作。"], "在2026年全区机关党建工作会议上的讲话"),
    (["我们隆重庆祝中国共产党成立105周年并进行“七一”表彰，意义重大。"], "在庆祝中国共产党成立105周年暨“七一”表彰大会上的讲话"),
    (["同志们：", "这次会议的主要任务是，总结2025年区直机关党建工作，部署2026年工作。"], "在2026年区直机关党建工作会议上的讲话"),
    (["同志们：", "大家辛苦了。"], ""),
    (["这是一句很长的正文，不是标题。"], ""),
])
def test_a_title_from_the_first_lines_or_the_meeting(lines, title):
    assert find_title(lines) == title


@pytest.mark.skipif(not SPEECHES.is_dir(), reason="the shared speeches are not here")
def test_every_shared_speech_has_a_title_and_none_is_a_file_name():
    for path in sorted(SPEECHES.glob("*.txt")):
        title = find_title(path.read_text(encoding="utf-8").splitlines())
        assert title and path.stem not in title and len(title) <= 200, path.name
