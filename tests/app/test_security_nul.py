"""A NUL character anywhere in a request is refused with a Chinese message before any view reads
it, and nothing is stored (PostgreSQL cannot keep one in text; the 1,000-example fuzz found a
speech title that SQLite kept)."""

from __future__ import annotations

import io
import json

import pytest

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    attempt_id_from,
    bank,
    items_of,
    question_of,
    quiz_org,
    save,
    start,
)
from quizapp.extensions import db
from quizapp.models import QuestionType, Role, Speech
from quizapp.security import NUL_MESSAGE


@pytest.fixture
def organizer(quiz_org, make_person):
    return make_person(name="组织员", phone="13922220000",
                       roles=[(Role.ORGANIZER, quiz_org["units"]["general"])])


@pytest.mark.parametrize("field", ["title", "occasion"])
def test_a_speech_edit_with_a_nul_is_refused_and_changes_nothing(app, client, bank, organizer,
                                                                  login, field):
    login(client, organizer.phone)
    url = f"/organize/speeches/{bank['speech']}/edit"
    form = {"title": "新标题", "occasion": "党建工作会议", field: "会议\x00标题"}
    reply = client.post(url, data=form)
    assert reply.status_code == 400
    assert NUL_MESSAGE in reply.get_data(as_text=True)
    with app.app_context():
        speech = db.session.get(Speech, bank["speech"])
        assert "\x00" not in speech.title and speech.title != "新标题"
    # Without the NUL the same form is saved.
    form[field] = "会议标题"
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        assert db.session.get(Speech, bank["speech"]).title in {"新标题", "会议标题"}


def test_a_nul_in_the_query_string_is_refused(app, client, bank, organizer, login):
    login(client, organizer.phone)
    reply = client.get("/organize/questions", query_string={"concept": "四\x00强"})
    assert reply.status_code == 400
    assert NUL_MESSAGE in reply.get_data(as_text=True)
    assert client.get("/organize/questions", query_string={"concept": "四强"}).status_code == 200


def test_a_nul_in_an_autosaved_answer_is_refused_in_json(app, client, bank, login):
    login(client, MEMBER)
    attempt = attempt_id_from(start(client))
    item = next(item for item in items_of(app, attempt)
                if question_of(app, item.question_id).type is QuestionType.FILL)
    reply = save(client, attempt, item.question_id, ["答\x00案"], seq=1)
    assert reply.status_code == 400
    assert reply.get_json() == {"ok": False, "message": NUL_MESSAGE}
    stored = items_of(app, attempt)[item.position - 1]
    assert stored.saved_seq == 0 and stored.response is None
    assert save(client, attempt, item.question_id, ["答案"], seq=2).status_code == 200


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_nul_in_a_json_body_of_another_unicode_encoding_is_refused(app, client, bank, login,
                                                                     encoding):
    """The JSON parser reads UTF-16 and UTF-32 bodies too: the search reads them as it does."""
    login(client, MEMBER)
    attempt = attempt_id_from(start(client))
    item = next(item for item in items_of(app, attempt)
                if question_of(app, item.question_id).type is QuestionType.FILL)
    body = json.dumps({"question_id": item.question_id, "response": ["答\x00案"], "seq": 1})
    reply = client.post(f"/quiz/attempts/{attempt}/answers", data=body.encode(encoding),
                        content_type="application/json")
    assert reply.status_code == 400
    assert reply.get_json() == {"ok": False, "message": NUL_MESSAGE}
    stored = items_of(app, attempt)[item.position - 1]
    assert stored.saved_seq == 0 and stored.response is None
    clean = body.replace("\\u0000", "")
    assert client.post(f"/quiz/attempts/{attempt}/answers", data=clean.encode(encoding),
                       content_type="application/json").status_code == 200


def test_a_nul_in_a_file_name_is_refused(app, client, bank, organizer, login):
    login(client, organizer.phone)
    reply = client.post(f"/organize/speeches/{bank['speech']}/reimport",
                        data={"file": (io.BytesIO("讲话".encode()), "a\x00b.txt")},
                        content_type="multipart/form-data")
    assert reply.status_code == 400
    assert NUL_MESSAGE in reply.get_data(as_text=True)


def test_a_typed_backslash_u0000_is_an_answer_not_a_nul(app, client, bank, login):
    """The JSON body is searched as text: an escaped backslash followed by "u0000" is what the
    member typed, and is saved."""
    login(client, MEMBER)
    attempt = attempt_id_from(start(client))
    item = next(item for item in items_of(app, attempt)
                if question_of(app, item.question_id).type is QuestionType.FILL)
    assert save(client, attempt, item.question_id, ["\\u0000"], seq=1).status_code == 200
    assert items_of(app, attempt)[item.position - 1].response == ["\\u0000"]


def test_a_json_body_nested_just_within_the_parser_is_not_a_500(app, client, bank, login):
    login(client, MEMBER)
    attempt = attempt_id_from(start(client))
    for depth in (500, 900):
        body = "[" * depth + "]" * depth
        reply = client.post(f"/quiz/attempts/{attempt}/answers", data=body,
                            content_type="application/json")
        assert reply.status_code == 400, depth
        body = "[" * depth + '"\\u0000"' + "]" * depth
        reply = client.post(f"/quiz/attempts/{attempt}/answers", data=body,
                            content_type="application/json")
        assert reply.status_code == 400 and reply.get_json()["message"] == NUL_MESSAGE
