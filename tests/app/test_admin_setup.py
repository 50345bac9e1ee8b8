"""`flask create-admin`: the first account of a new installation."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Person, Role, RoleGrant, Unit


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["create-admin", *args])


def test_creates_the_unit_and_an_admin_who_must_change_the_password(app, client):
    result = _run(app, "--unit-name", "某市直机关工委", "--name", "王强", "--phone", "139 0000 9999")
    assert result.exit_code == 0, result.output
    password = result.output.split("临时密码：")[1].split("（")[0]
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.phone == "13900009999"))
        unit = db.session.scalar(select(Unit).where(Unit.name == "某市直机关工委"))
        assert person.unit_id == unit.id and unit.parent_id is None and person.must_change_password
        grant = db.session.scalar(select(RoleGrant).where(RoleGrant.person_id == person.id))
        assert grant.role is Role.ADMIN and grant.unit_id == unit.id
    response = client.post("/auth/login", data={"account": "13900009999", "password": password})
    assert response.status_code == 302
    home = client.get("/")  # the forced password change comes before anything else
    assert home.status_code == 302 and "password" in home.headers["Location"]


def test_refuses_a_taken_account_or_a_bad_phone_with_a_message(app):
    assert _run(app, "--unit-name", "甲", "--name", "甲", "--phone", "13900009999").exit_code == 0
    taken = _run(app, "--unit-name", "甲", "--name", "乙", "--phone", "13900009999")
    assert taken.exit_code != 0 and "账号已存在" in taken.output
    bad = _run(app, "--unit-name", "甲", "--name", "乙", "--phone", "12345")
    assert bad.exit_code != 0 and "手机号格式不正确" in bad.output
    none = _run(app, "--unit-name", "甲", "--name", "乙")
    assert none.exit_code != 0 and "至少提供" in none.output
    with app.app_context():
        assert db.session.scalar(select(Person).where(Person.name == "乙")) is None
