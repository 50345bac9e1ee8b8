"""Where ``next`` may send the browser after login."""

from __future__ import annotations

import pytest

from quizapp.auth.redirects import is_safe_next
from quizapp.models import Role

UNSAFE = [
    None,
    "",
    "https://evil.example/",
    "http://localhost/",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "/\t/evil.example",
    "evil.example",
    "relative/path",
]


@pytest.mark.parametrize("target", ["/", "/admin/people?q=%E5%BC%A0", "/auth/change-password#x"])
def test_local_paths_are_safe(target):
    assert is_safe_next(target)


@pytest.mark.parametrize("target", UNSAFE)
def test_other_targets_are_unsafe(target):
    assert not is_safe_next(target)


def test_login_follows_a_local_next(client, make_person, login):
    make_person(phone="13812345678")
    response = login(client, "13812345678", next="/auth/change-password")
    assert response.headers["Location"] == "/auth/change-password"


@pytest.mark.parametrize("target", [t for t in UNSAFE if t])
def test_login_ignores_an_unsafe_next(client, make_person, login, target):
    make_person(phone="13812345678")
    response = login(client, "13812345678", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_protected_page_round_trip_through_login(client, make_person, login, make_unit):
    unit = make_unit()
    make_person(phone="13812345678", unit=unit, roles=[(Role.ADMIN, unit)])
    first = client.get("/admin/people?q=abc")
    assert first.headers["Location"] == "/auth/login?next=%2Fadmin%2Fpeople%3Fq%3Dabc"
    response = login(client, "13812345678", next="/admin/people?q=abc")
    assert response.headers["Location"] == "/admin/people?q=abc"
