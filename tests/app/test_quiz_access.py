"""Who may reach the member's pages, and the home pages that lead to them."""

from __future__ import annotations

import pytest

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    answer_all,
    attempt_id_from,
    bank,
    quiz_org,
    start,
    submit,
)
from quizapp.models import Role

QUIZ_PAGES = [
    ("GET", "/quiz/"),
    ("GET", "/quiz/practice"),
    ("POST", "/quiz/practice"),
    ("GET", "/quiz/attempts/1"),
    ("GET", "/quiz/attempts/1/q/1"),
    ("POST", "/quiz/attempts/1/q/1"),
    ("POST", "/quiz/attempts/1/answers"),
    ("GET", "/quiz/attempts/1/state"),
    ("GET", "/quiz/attempts/1/submit"),
    ("POST", "/quiz/attempts/1/submit"),
    ("POST", "/quiz/attempts/1/abandon"),
    ("GET", "/quiz/attempts/1/result"),
    ("POST", "/quiz/attempts/1/q/1/report"),
    ("GET", "/quiz/mistakes"),
    ("GET", "/quiz/speeches/1"),
    ("GET", "/quiz/activities/1"),
    ("POST", "/quiz/activities/1/start"),
    ("POST", "/quiz/activities/1/practice"),
]


def test_every_quiz_route_is_listed_here(app):
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("quiz.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    listed = {(method, path.replace("/1", "/<int:x>")) for method, path in QUIZ_PAGES}
    normalized = {(method, rule.replace("<int:attempt_id>", "<int:x>").replace("<int:position>", "<int:x>")
                   .replace("<int:speech_id>", "<int:x>").replace("<int:activity_id>", "<int:x>")) for method, rule in routes}
    assert normalized == listed


@pytest.mark.parametrize(("method", "path"), QUIZ_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, bank, method, path):
    response = client.open(path, method=method, json={} if path.endswith("/answers") else None)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_every_quiz_view_is_for_members(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("quiz."):
            assert view.required_roles == (Role.MEMBER,), endpoint


def test_a_member_who_must_change_the_password_cannot_answer_yet(client, bank, make_person, quiz_org, login):
    make_person(phone="13800000077", unit=quiz_org["units"]["group"], must_change_password=True)
    login(client, "13800000077")
    assert client.get("/quiz/practice").headers["Location"].endswith("/auth/change-password")


def test_home_shows_what_is_open_and_recent_results(app, client, bank, login):
    login(client, MEMBER)
    home = client.get("/").get_data(as_text=True)
    assert "暂无待完成的选学、测试或练习" in home
    assert "还没有成绩" in home
    assert 'href="/quiz/practice"' in home and 'href="/quiz/mistakes"' in home
    attempt = attempt_id_from(start(client))
    home = client.get("/").get_data(as_text=True)
    assert "自测练习 · 随机" in home and "已答 0/4 题" in home
    assert f'href="/quiz/attempts/{attempt}"' in home
    answer_all(app, client, attempt)
    submit(client, attempt)
    for page in (client.get("/").get_data(as_text=True), client.get("/quiz/").get_data(as_text=True)):
        assert f'href="/quiz/attempts/{attempt}/result"' in page
        assert "4/4" in page and "答对 4/4" in page
        assert "暂无待完成" in page


def test_the_navigation_leads_to_the_quiz(client, bank, login):
    login(client, MEMBER)
    assert '<a class="nav-link" href="/quiz/">答题</a>' in client.get("/").get_data(as_text=True)
