"""Who may reach the bank pages: organizers and admins of a speech's subtree, nobody else."""

from __future__ import annotations

import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    ADMIN_A,
    MEMBER_A,
    ORGANIZER_A,
    ORGANIZER_B,
    SECRETARY_A,
    add_report,
    bank_import_dir,
    bank_org,
    get_question,
    question_id,
    speech_a,
)
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    BankQuestion,
    QuestionReport,
    QuestionStatus,
    QuestionType,
    ReportStatus,
    Role,
    Speech,
)

# (method, path) of every bank page and action; {speech}, {question}, {report} belong to 总支 A.
LIST_PAGES = [
    ("GET", "/organize/"),
    ("GET", "/organize/speeches/new"),
    ("POST", "/organize/speeches/new"),
    ("GET", "/organize/questions"),
    ("GET", "/organize/questions/approve"),
    ("POST", "/organize/questions/approve"),
    ("GET", "/organize/reports"),
]
SCOPED = [
    ("GET", "/organize/speeches/{speech}"),
    ("GET", "/organize/speeches/{speech}/edit"),
    ("POST", "/organize/speeches/{speech}/edit"),
    ("GET", "/organize/speeches/{speech}/reimport"),
    ("POST", "/organize/speeches/{speech}/reimport"),
    ("GET", "/organize/speeches/{speech}/export.xlsx"),
    ("GET", "/organize/speeches/{speech}/import"),
    ("POST", "/organize/speeches/{speech}/import"),
    ("POST", "/organize/speeches/{speech}/import/confirm"),
    ("GET", "/organize/speeches/{speech}/questions/new"),
    ("POST", "/organize/speeches/{speech}/questions/new"),
    ("POST", "/organize/speeches/{speech}/author"),
    ("POST", "/organize/speeches/{speech}/author/add"),
    ("GET", "/organize/questions/{question}"),
    ("GET", "/organize/questions/{question}/edit"),
    ("POST", "/organize/questions/{question}/edit"),
    ("POST", "/organize/questions/{question}/approve"),
    ("POST", "/organize/questions/{question}/retire"),
    ("POST", "/organize/reports/{report}/resolve"),
]
# What a POST carries, so that a request that got through would change something.
FORMS = {
    "/organize/speeches/new": {"title": "外人的讲话"},
    "/organize/speeches/{speech}/edit": {"title": "被改掉的标题"},
    "/organize/speeches/{speech}/questions/new": {"type": "judge", "stem": "外人的题", "answer": "对",
                                                  "difficulty": "2"},
    "/organize/questions/{question}/edit": {"stem": "外人改的题干", "answer": "对", "difficulty": "2"},
    "/organize/questions/approve": {"expected": "5", "top": "5"},
    "/organize/speeches/{speech}/author/add": {"paragraph": "6", "phrase": "执行力",
                                               "pick": ["speech-535f9dd713c1"]},
    "/organize/reports/{report}/resolve": {"dismissed": "y"},
}


@pytest.fixture
def targets(app, bank_org, speech_a):
    qid = question_id(app, speech_a, "三强", QuestionType.JUDGE)
    report = add_report(app, qid, bank_org["people"]["member_a"])
    return {"speech": speech_a, "question": qid, "report": report}


def _request(client, method, path, targets):
    data = FORMS.get(path, {}) if method == "POST" else {}
    return client.open(path.format(**targets), method=method, data=data)


def _state(app):
    with app.app_context():
        return (
            db.session.scalars(select(Speech.title)).all(),
            db.session.execute(select(BankQuestion.id, BankQuestion.stem, BankQuestion.status)).all(),
            db.session.scalars(select(QuestionReport.status)).all(),
        )


def test_the_lists_cover_every_bank_route(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules() if rule.endpoint.startswith("organize.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {
        (method, path.replace("{speech}", "<int:speech_id>").replace("{question}", "<int:question_id>")
         .replace("{report}", "<int:report_id>"))
        for method, path in LIST_PAGES + SCOPED
    }
    assert routes == listed


@pytest.mark.parametrize(("method", "path"), LIST_PAGES + SCOPED)
def test_anonymous_goes_to_login(client, targets, method, path):
    response = _request(client, method, path, targets)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("who", [MEMBER_A, SECRETARY_A])
@pytest.mark.parametrize(("method", "path"), LIST_PAGES + SCOPED)
def test_members_and_secretaries_get_403(app, client, login, targets, who, method, path):
    before = _state(app)
    login(client, who)
    assert _request(client, method, path, targets).status_code == 403
    assert _state(app) == before


@pytest.mark.parametrize(("method", "path"), SCOPED)
def test_an_organizer_of_another_general_branch_gets_403(app, client, login, targets, method, path):
    before = _state(app)
    login(client, ORGANIZER_B)
    assert _request(client, method, path, targets).status_code == 403
    assert _state(app) == before


def test_an_organizer_of_another_general_branch_sees_nothing_of_it(app, client, login, targets):
    login(client, ORGANIZER_B)
    for url in ("/organize/", "/organize/questions", "/organize/reports", "/organize/questions/approve"):
        html = client.get(url).get_data(as_text=True)
        assert "在机关党建工作会议上的讲话" not in html and "三强" not in html
    client.post("/organize/questions/approve", data={"expected": 0})
    with app.app_context():
        assert set(db.session.scalars(select(BankQuestion.status))) == {QuestionStatus.DRAFT}


@pytest.mark.parametrize("who", [ORGANIZER_A, ADMIN_A])
@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in LIST_PAGES + SCOPED if m == "GET"])
def test_organizer_and_admin_of_the_unit_get_every_page(client, login, targets, who, method, path):
    login(client, who)
    assert _request(client, method, path, targets).status_code == 200


def test_an_organizer_of_a_branch_manages_only_its_speeches(app, client, login, bank_org, make_person, targets):
    branch = bank_org["units"]["a1"]
    make_person(name="支部组织员", phone="13900000109", unit=branch, roles=[(Role.ORGANIZER, branch)])
    login(client, "13900000109")
    # The 总支's speech is above the branch: not theirs to manage.
    assert client.get(f"/organize/speeches/{targets['speech']}").status_code == 403
    form = client.get("/organize/speeches/new").get_data(as_text=True)
    assert "第一党总支 / 第一党支部" in form and 'value="%d"' % bank_org["units"]["a"].id not in form


def test_state_changes_need_a_csrf_token(app, client, login, targets, csrf_token):
    login(client, ORGANIZER_A)
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/organize/questions/{targets['question']}/approve"
    assert client.post(url).status_code == 400
    assert get_question(app, targets["question"]).status is QuestionStatus.DRAFT
    token = csrf_token(client.get(f"/organize/questions/{targets['question']}").get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert get_question(app, targets["question"]).status is QuestionStatus.APPROVED
    resolve = f"/organize/reports/{targets['report']}/resolve"
    assert client.post(resolve, data={"dismissed": "y"}).status_code == 400
    with app.app_context():
        assert db.session.get(QuestionReport, targets["report"]).status is ReportStatus.OPEN
