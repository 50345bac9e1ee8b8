"""Numbers no database can hold, and digits that are not ASCII, give a Chinese page, never a 500."""

from __future__ import annotations

import pytest

from quizapp.models import Role, UnitKind

HUGE = 10**30


@pytest.fixture
def people(make_unit, make_person):
    top = make_unit("某党总支", UnitKind.GENERAL_BRANCH)
    branch = make_unit("某党支部", UnitKind.BRANCH, top)
    make_person(name="组织员", phone="13900000201", unit=top, roles=[(Role.ADMIN, top), (Role.ORGANIZER, top)])
    make_person(name="党员", phone="13800000201", unit=branch)


@pytest.mark.parametrize("path", [
    f"/quiz/attempts/{HUGE}", f"/quiz/attempts/{HUGE}/result", f"/quiz/speeches/{HUGE}",
    f"/organize/questions/{HUGE}", f"/organize/speeches/{HUGE}",
])
def test_a_huge_id_in_the_path_is_not_found(client, people, login, path):
    login(client, "13900000201")
    response = client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("path", [
    f"/organize/questions?page={HUGE}", f"/quiz/speeches/1?q={HUGE}", "/organize/questions?speech=²",
    f"/organize/questions?speech={HUGE}",
])
def test_a_huge_or_odd_number_in_the_query_is_refused_politely(client, people, login, path):
    login(client, "13900000201")
    response = client.get(path)
    assert response.status_code in (200, 400, 404)
    assert "<html" in response.get_data(as_text=True).lower()


def test_a_huge_id_in_a_post_is_not_found(client, people, login):
    login(client, "13900000201")
    assert client.post(f"/admin/people/{HUGE}/reset-password").status_code == 404
    assert client.post(f"/quiz/attempts/{HUGE}/answers", json={}).status_code == 404
