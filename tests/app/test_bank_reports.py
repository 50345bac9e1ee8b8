"""纠错 on the organizer's side: open reports of my speeches, and resolving them."""

from __future__ import annotations

import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    ORGANIZER_A,
    add_report,
    bank_import_dir,
    bank_org,
    get_question,
    question_id,
    set_status,
    speech_a,
    speech_b,
)

from quizapp.extensions import db
from quizapp.models import QuestionReport, QuestionStatus, QuestionType, ReportStatus


def _report(app, report_id):
    with app.app_context():
        report = db.session.get(QuestionReport, report_id)
        db.session.expunge(report)
        return report


@pytest.fixture
def reports(app, bank_org, speech_a, speech_b):
    people = bank_org["people"]
    judge = question_id(app, speech_a, "三强", QuestionType.JUDGE)
    fill = question_id(app, speech_a, "三强", QuestionType.FILL)
    set_status(app, [judge, fill], QuestionStatus.APPROVED)
    with app.app_context():
        from sqlalchemy import select

        from quizapp.models import BankQuestion

        foreign = db.session.scalars(select(BankQuestion.id).where(BankQuestion.speech_id == speech_b)).first()
    return {
        "judge": judge, "fill": fill,
        "on_judge": add_report(app, judge, people["member_a"], "判断题表述不清"),
        "on_judge_2": add_report(app, judge, people["secretary_a"], "同上"),
        "on_fill": add_report(app, fill, people["member_a"], "“本领强”也对"),
        "foreign": add_report(app, foreign, people["member_b"], "外单位的纠错"),
    }


def test_open_reports_of_my_speeches_are_listed(app, client, bank_org, login, reports):
    login(client, ORGANIZER_A)
    html = client.get("/organize/reports").get_data(as_text=True)
    assert "判断题表述不清" in html and "“本领强”也对" in html and "党员甲" in html
    assert "外单位的纠错" not in html
    speeches = client.get("/organize/").get_data(as_text=True)
    assert '纠错 <span class="badge text-bg-danger ms-1">3</span>' in speeches


def test_dismiss_with_a_note(app, client, bank_org, login, reports):
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/reports/{reports['on_fill']}/resolve",
                           data={"dismissed": "y", "note": "原文即为“业务强”"})
    assert response.headers["Location"] == "/organize/reports"
    report = _report(app, reports["on_fill"])
    assert (report.status, report.resolution) == (ReportStatus.DISMISSED, "原文即为“业务强”")
    assert report.resolved_by_id == bank_org["people"]["organizer_a"].id and report.resolved_at
    assert get_question(app, reports["fill"]).status is QuestionStatus.APPROVED
    handled = client.get("/organize/reports?handled=1").get_data(as_text=True)
    assert "原文即为“业务强”" in handled and "不予采纳" in handled
    # Resolving it again is refused politely.
    again = client.post(f"/organize/reports/{reports['on_fill']}/resolve", data={"corrected": "y"},
                        follow_redirects=True)
    assert "这条纠错已经处理过了" in again.get_data(as_text=True)
    assert _report(app, reports["on_fill"]).status is ReportStatus.DISMISSED


def test_retire_retires_the_question_and_closes_its_reports(app, client, bank_org, login, reports):
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/reports/{reports['on_judge']}/resolve",
                           data={"retired": "y", "note": "题目有歧义，已停用"}, follow_redirects=True)
    assert "同题 2 条纠错一并处理" in response.get_data(as_text=True)
    assert get_question(app, reports["judge"]).status is QuestionStatus.RETIRED
    for key in ("on_judge", "on_judge_2"):
        assert _report(app, reports[key]).status is ReportStatus.RETIRED
    assert _report(app, reports["on_fill"]).status is ReportStatus.OPEN


def test_corrected_after_an_edit(app, client, bank_org, login, reports):
    login(client, ORGANIZER_A)
    fill = get_question(app, reports["fill"])
    page = client.get(f"/organize/questions/{fill.id}/edit").get_data(as_text=True)
    assert "“本领强”也对" in page and "同时将本题待处理的纠错标记为“已更正”" in page
    response = client.post(f"/organize/questions/{fill.id}/edit", data={
        "stem": fill.stem, "answer": "业务强", "accepted_variants": "本领强", "difficulty": "2",
        "explanation": fill.explanation, "concept": fill.concept, "resolve_reports": "y",
    }, follow_redirects=True)
    assert "1 条纠错已标记为已更正" in response.get_data(as_text=True)
    after = get_question(app, fill.id)
    assert after.accepted_variants == [["本领强"]] and after.version == 2
    assert _report(app, reports["on_fill"]).status is ReportStatus.CORRECTED


def test_corrected_from_the_question_page(app, client, bank_org, login, reports):
    login(client, ORGANIZER_A)
    page = client.get(f"/organize/questions/{reports['judge']}").get_data(as_text=True)
    assert "判断题表述不清" in page and "已更正" in page
    client.post(f"/organize/reports/{reports['on_judge']}/resolve",
                data={"corrected": "y", "note": "已改写题干", "next": f"/organize/questions/{reports['judge']}"})
    assert _report(app, reports["on_judge"]).status is ReportStatus.CORRECTED
    assert _report(app, reports["on_judge_2"]).status is ReportStatus.OPEN


def test_resolve_needs_an_outcome(app, client, bank_org, login, reports):
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/reports/{reports['on_fill']}/resolve", data={"note": "?"},
                           follow_redirects=True)
    assert "请选择处理结果" in response.get_data(as_text=True)
    assert _report(app, reports["on_fill"]).status is ReportStatus.OPEN


def test_another_organizations_report_is_403(app, client, bank_org, login, reports):
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/reports/{reports['foreign']}/resolve", data={"dismissed": "y"})
    assert response.status_code == 403
    assert _report(app, reports["foreign"]).status is ReportStatus.OPEN
