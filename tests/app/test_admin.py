"""Admin pages: the people list and password resets, with their boundaries."""

from __future__ import annotations

import re

import pytest

from quizapp.extensions import db
from quizapp.models import Person, Role, UnitKind


@pytest.fixture
def org(make_unit, make_person):
    """Two 党总支; an admin of the first, a member in each."""
    first = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    branch = make_unit("第一党支部", UnitKind.BRANCH, first)
    second = make_unit("第二党总支", UnitKind.GENERAL_BRANCH)
    return {
        "admin": make_person(name="管理员甲", phone="13900000000", unit=first,
                             roles=[(Role.ADMIN, first)]),
        "member": make_person(name="党员乙", phone="13800000001", unit=branch),
        "outsider": make_person(name="外单位丙", phone="13800000002", unit=second),
    }


def _temporary_password(html: str) -> str:
    match = re.search(r"data-temp-password>([^<]+)<", html)
    assert match, html
    return match.group(1)


def test_admin_sees_only_people_in_scope(client, org, login):
    login(client, "13900000000")
    html = client.get("/admin/people").get_data(as_text=True)
    assert "党员乙" in html and "管理员甲" in html
    assert "外单位丙" not in html


def test_admin_people_search(client, org, login):
    login(client, "13900000000")
    html = client.get("/admin/people", query_string={"q": "13800000001"}).get_data(as_text=True)
    assert "党员乙" in html and "管理员甲" not in html


def test_admin_resets_a_password(app, client, org, login):
    member_browser = app.test_client()
    login(member_browser, "13800000001")
    login(client, "13900000000")

    response = client.post(f"/admin/people/{org['member'].id}/reset-password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    temporary = _temporary_password(response.get_data(as_text=True))

    with app.app_context():
        member = db.session.get(Person, org["member"].id)
        assert member.must_change_password is True
        assert member.auth_version == org["member"].auth_version + 1
    # The member's open session has ended; the old password no longer works.
    assert member_browser.get("/").status_code == 302
    assert login(member_browser, "13800000001").status_code == 200
    # The temporary password works once, and forces a change.
    assert login(member_browser, "13800000001", temporary).status_code == 302
    assert member_browser.get("/").headers["Location"] == "/auth/change-password"


def test_admin_of_another_branch_cannot_reset(client, org, login):
    login(client, "13900000000")
    response = client.post(f"/admin/people/{org['outsider'].id}/reset-password")
    assert response.status_code == 403
    assert "没有权限" in response.get_data(as_text=True)


def test_reset_of_a_missing_person_is_404(client, org, login):
    login(client, "13900000000")
    assert client.post("/admin/people/987654/reset-password").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/admin/people"), ("POST", "/admin/people/{member}/reset-password")],
)
def test_member_gets_403_and_anonymous_goes_to_login(client, org, login, method, path):
    url = path.format(member=org["admin"].id)
    anonymous = client.open(url, method=method)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/auth/login?next=")
    login(client, "13800000001")
    assert client.open(url, method=method).status_code == 403


def test_reset_needs_a_csrf_token_when_csrf_is_on(app, client, org, login, csrf_token):
    login(client, "13900000000")
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/admin/people/{org['member'].id}/reset-password"
    assert client.post(url).status_code == 400
    token = csrf_token(client.get("/admin/people").get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token}).status_code == 200


def test_a_lower_admin_cannot_reset_a_higher_admin_who_sits_in_their_unit(client, make_unit, make_person, login):
    top = make_unit("机关党委", UnitKind.COMMITTEE)
    first = make_unit("甲党总支", UnitKind.GENERAL_BRANCH, top)
    boss = make_person(name="总管理员", phone="13900000100", unit=first, roles=[(Role.ADMIN, top)])
    make_person(name="管理员甲", phone="13900000101", unit=first, roles=[(Role.ADMIN, first)])
    login(client, "13900000101")
    response = client.post(f"/admin/people/{boss.id}/reset-password")
    assert response.status_code == 403
    assert "data-temp-password" not in response.get_data(as_text=True)
