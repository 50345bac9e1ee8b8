"""``flask seed-demo``: the demo organization, idempotent, with working logins."""

from __future__ import annotations

from sqlalchemy import func, select

from quizapp.admin.demo import DEMO_PASSWORD
from quizapp.extensions import db
from quizapp.models import Person, Role, RoleGrant, Unit, UnitKind


def _counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Unit, Person, RoleGrant)
        }


def test_seed_demo_twice_gives_the_same_organization(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(app)
    assert counts == {"Unit": 11, "Person": 32, "RoleGrant": 5}

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _counts(app) == counts
    assert "新建单位 0 个，人员 0 人，角色 0 个" in second.output
    assert DEMO_PASSWORD in second.output
    assert "13900000000" in second.output  # logins are printed every time


def test_seed_demo_shape(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        kinds = db.session.execute(
            select(Unit.kind, func.count()).group_by(Unit.kind)
        ).all()
        assert dict(kinds) == {
            UnitKind.GENERAL_BRANCH: 1, UnitKind.BRANCH: 3, UnitKind.GROUP: 7,
        }
        roles = db.session.scalars(select(RoleGrant.role)).all()
        assert sorted(roles) == sorted(
            [Role.ADMIN, Role.ORGANIZER, Role.SECRETARY, Role.SECRETARY, Role.SECRETARY]
        )
        assert db.session.scalar(
            select(func.count()).select_from(Person).where(Person.must_change_password)
        ) == 0


def test_demo_logins_work_for_each_role(app, login):
    app.test_cli_runner().invoke(args=["seed-demo"])
    expectations = {
        "13900000000": 200,  # admin
        "DEMO0002": 403,     # organizer, by member number
        "13900000011": 403,  # secretary of the first branch
        "13800000001": 403,  # member
    }
    for account, admin_page in expectations.items():
        client = app.test_client()
        assert login(client, account, DEMO_PASSWORD).status_code == 302, account
        assert client.get("/").status_code == 200
        assert client.get("/admin/people").status_code == admin_page, account
