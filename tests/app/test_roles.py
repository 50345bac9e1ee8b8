"""Role checks: scopes, implied membership and the guard on every route."""

from __future__ import annotations

import pytest

from quizapp.auth.access import has_role
from quizapp.models import Person, Role, UnitKind

PUBLIC_ENDPOINTS = {"static", "bootstrap.static", "auth.login", "main.favicon"}


@pytest.fixture
def org(make_unit, make_person):
    general = make_unit("党总支", UnitKind.GENERAL_BRANCH)
    a = make_unit("甲支部", UnitKind.BRANCH, general)
    b = make_unit("乙支部", UnitKind.BRANCH, general)
    a1 = make_unit("甲一组", UnitKind.GROUP, a)
    units = {"general": general, "a": a, "b": b, "a1": a1}
    people = {
        "admin": make_person(unit=general, roles=[(Role.ADMIN, general)]),
        "secretary_a": make_person(unit=a, roles=[(Role.SECRETARY, a)]),
        "organizer": make_person(unit=general, roles=[(Role.ORGANIZER, general)]),
        "member_a1": make_person(unit=a1),
        "inactive_admin": make_person(unit=general, active=False,
                                      roles=[(Role.ADMIN, general)]),
    }
    return units, people


@pytest.mark.parametrize(
    ("who", "roles", "unit", "expected"),
    [
        ("secretary_a", [Role.SECRETARY], "a", True),
        ("secretary_a", [Role.SECRETARY], "a1", True),   # subtree
        ("secretary_a", [Role.SECRETARY], "b", False),   # sibling branch
        ("secretary_a", [Role.SECRETARY], "general", False),  # above
        ("secretary_a", [Role.ORGANIZER], "a", False),
        ("organizer", [Role.ORGANIZER], "a1", True),
        ("organizer", [Role.SECRETARY], "a", False),
        ("organizer", [Role.SECRETARY, Role.ORGANIZER], "a", True),
        ("admin", [Role.SECRETARY], "a1", True),          # admin satisfies all
        ("admin", [Role.ORGANIZER], "b", True),
        ("member_a1", [Role.MEMBER], "a1", True),         # own unit
        ("member_a1", [Role.MEMBER], "general", True),    # units above
        ("member_a1", [Role.MEMBER], "b", False),
        ("member_a1", [Role.SECRETARY], "a1", False),
        ("inactive_admin", [Role.ADMIN], "general", False),
        ("inactive_admin", [Role.MEMBER], None, False),
        ("member_a1", [Role.MEMBER], None, True),
        ("member_a1", [Role.ADMIN], None, False),
        ("secretary_a", [Role.SECRETARY], None, True),
        ("admin", [Role.ORGANIZER], None, True),
    ],
)
def test_has_role(org, db, who, roles, unit, expected):
    units, people = org
    person = db.session.get(Person, people[who].id)
    unit_id = units[unit].id if unit else None
    assert has_role(db.session, person, roles, unit_id) is expected


def test_unknown_unit_grants_nothing(org, db):
    _, people = org
    admin = db.session.get(Person, people["admin"].id)
    assert has_role(db.session, admin, [Role.ADMIN], 987654) is False


def test_every_non_public_route_is_guarded_by_a_role(app):
    unguarded = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in PUBLIC_ENDPOINTS and not getattr(view, "required_roles", None)
    ]
    assert unguarded == []


def test_home_and_account_pages_are_open_to_every_member(app):
    for endpoint in ("main.home", "auth.change_password", "auth.logout"):
        assert app.view_functions[endpoint].required_roles == (Role.MEMBER,)


def test_admin_pages_require_admin(app):
    for endpoint in ("admin.people", "admin.reset_password"):
        assert app.view_functions[endpoint].required_roles == (Role.ADMIN,)
