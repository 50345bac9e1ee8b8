"""Roster import boundaries: who may import, and into which units."""

from __future__ import annotations

import pytest
from roster_helpers import (
    ADMIN_A,
    MEMBER_A,
    ORGANIZER_A,
    ORGANIZER_B,
    build_org,
    confirm,
    people_count,
    preview,
    use_upload_dir,
    xlsx_bytes,
)

from quizapp.models import Role

ROW = ["新人", "13833330000", "", "第一党支部", "", ""]


@pytest.fixture(autouse=True)
def _upload_dir(app, tmp_path):
    use_upload_dir(app, tmp_path)


@pytest.fixture
def org(make_unit, make_person):
    return build_org(make_unit, make_person)


def _urls(unit_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/roster/"),
        ("GET", f"/roster/{unit_id}/import"),
        ("POST", f"/roster/{unit_id}/import"),
        ("POST", f"/roster/{unit_id}/commit"),
        ("GET", f"/roster/{unit_id}/template.xlsx"),
    ]


def test_anonymous_is_sent_to_login(client, org):
    for method, url in _urls(org["units"]["a"].id):
        response = client.open(url, method=method)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/auth/login?next="), url


def test_member_gets_403(client, org, login):
    login(client, MEMBER_A)
    for method, url in _urls(org["units"]["a"].id):
        response = client.open(url, method=method)
        assert response.status_code == 403, url
        assert "没有权限" in response.get_data(as_text=True)
    assert 'href="/roster/"' not in client.get("/").get_data(as_text=True)


def test_organizer_of_another_general_branch_cannot_import_here(app, client, org, login):
    login(client, ORGANIZER_B)
    for method, url in _urls(org["units"]["a"].id)[1:]:
        assert client.open(url, method=method).status_code == 403, url
    # Nor into a unit below it.
    assert preview(client, org["units"]["a1"].id, xlsx_bytes([ROW])).status_code == 403
    # The index takes them to their own 总支 only.
    assert client.get("/roster/").headers["Location"] == f"/roster/{org['units']['b'].id}/import"


def test_units_outside_the_subtree_are_unknown_in_the_file(app, client, org, login):
    before = people_count(app)
    login(client, ORGANIZER_B)
    html = preview(client, org["units"]["b"].id, xlsx_bytes([ROW])).get_data(as_text=True)
    assert "所属支部“第一党支部”不存在，或不在第二党总支范围内" in html
    assert 'name="token"' not in html
    assert people_count(app) == before


def test_organizer_of_a_branch_imports_into_that_branch_only(client, org, make_person, login):
    make_person(phone="13900000005", unit=org["units"]["a1"], roles=[(Role.ORGANIZER, org["units"]["a1"])])
    login(client, "13900000005")
    assert client.get(f"/roster/{org['units']['a'].id}/import").status_code == 403
    rows = [ROW, ["他人", "13833330001", "", "第二党支部", "", ""]]
    html = preview(client, org["units"]["a1"].id, xlsx_bytes(rows)).get_data(as_text=True)
    assert "第 3 行</strong>：所属支部“第二党支部”不存在，或不在第一党支部范围内" in html


def test_a_commit_token_is_bound_to_its_importer(app, client, org, login):
    unit_a = org["units"]["a"].id
    login(client, ORGANIZER_A)
    html = preview(client, unit_a, xlsx_bytes([ROW])).get_data(as_text=True)
    other = app.test_client()
    login(other, ADMIN_A)
    response = confirm(other, unit_a, html)
    assert response.status_code == 302
    assert "导入预览已过期" in other.get(response.headers["Location"]).get_data(as_text=True)


def test_missing_unit_is_404(client, org, login):
    login(client, ADMIN_A)
    assert client.get("/roster/987654/import").status_code == 404


def test_person_with_several_scopes_chooses_one(client, org, make_person, login):
    make_person(phone="13900000006", unit=org["units"]["a"],
                roles=[(Role.ORGANIZER, org["units"]["a"]), (Role.ADMIN, org["units"]["b"])])
    login(client, "13900000006")
    html = client.get("/roster/").get_data(as_text=True)
    assert "第一党总支" in html and "第二党总支" in html


@pytest.mark.parametrize("endpoint", ["roster.index", "roster.upload", "roster.commit", "roster.template"])
def test_roster_pages_require_organizer(app, endpoint):
    assert app.view_functions[endpoint].required_roles == (Role.ORGANIZER,)
