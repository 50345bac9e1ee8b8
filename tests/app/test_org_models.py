"""The organization models: the unit tree helpers and schema invariants."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from quizapp.models import Person, Role, RoleGrant, Unit, UnitKind
from quizapp.models.org import ancestor_ids, subtree_ids, unit_path


@pytest.fixture
def tree(make_unit):
    """党委 > 总支 > (支部A > 小组A1, A2), (支部B > 小组B1 > 子组B1x)."""
    committee = make_unit("机关党委", UnitKind.COMMITTEE)
    general = make_unit("第一党总支", UnitKind.GENERAL_BRANCH, committee)
    branch_a = make_unit("甲支部", UnitKind.BRANCH, general)
    branch_b = make_unit("乙支部", UnitKind.BRANCH, general)
    a1 = make_unit("甲一组", UnitKind.GROUP, branch_a)
    a2 = make_unit("甲二组", UnitKind.GROUP, branch_a)
    b1 = make_unit("乙一组", UnitKind.GROUP, branch_b)
    b1x = make_unit("乙一组下设", UnitKind.GROUP, b1)
    return {
        "committee": committee, "general": general, "a": branch_a, "b": branch_b,
        "a1": a1, "a2": a2, "b1": b1, "b1x": b1x,
    }


def ids(tree, *names):
    return {tree[name].id for name in names}


def test_subtree_of_root_is_every_unit(tree, db):
    assert subtree_ids(db.session, tree["committee"].id) == ids(tree, *tree)


def test_subtree_of_branch_is_itself_and_its_groups_at_any_depth(tree, db):
    assert subtree_ids(db.session, tree["a"].id) == ids(tree, "a", "a1", "a2")
    assert subtree_ids(db.session, tree["b"].id) == ids(tree, "b", "b1", "b1x")


def test_subtree_of_leaf_and_of_missing_unit(tree, db):
    assert subtree_ids(db.session, tree["b1x"].id) == ids(tree, "b1x")
    assert subtree_ids(db.session, 987654) == set()


def test_ancestors_nearest_first_and_path_root_first(tree, db):
    expected = [tree[n].id for n in ("b1x", "b1", "b", "general", "committee")]
    assert ancestor_ids(db.session, tree["b1x"].id) == expected
    assert [u.name for u in unit_path(db.session, tree["a1"].id)] == [
        "机关党委", "第一党总支", "甲支部", "甲一组",
    ]


def test_unit_kind_and_role_labels_are_chinese():
    assert [k.label for k in UnitKind] == ["机关党委", "党总支", "党支部", "党小组"]
    assert Role.SECRETARY.label == "支部书记"


def _expect_integrity_error(db, obj):
    db.session.add(obj)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_sibling_units_have_unique_names(tree, db):
    _expect_integrity_error(
        db, Unit(name="甲支部", kind=UnitKind.BRANCH, parent_id=tree["general"].id)
    )


def test_same_name_allowed_under_different_parents(tree, db):
    db.session.add(Unit(name="甲一组", kind=UnitKind.GROUP, parent_id=tree["b"].id))
    db.session.flush()


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"phone": "13700000001", "member_no": "X1"}, id="duplicate-phone"),
        pytest.param({"phone": "13900000009", "member_no": "T000001"}, id="duplicate-member-no"),
        pytest.param({"phone": None, "member_no": None}, id="no-login"),
        pytest.param({"phone": "", "member_no": "X2"}, id="blank-phone"),
        pytest.param({"phone": "13900000008", "member_no": ""}, id="blank-member-no"),
        pytest.param({"phone": "13900000007", "member_no": "X3", "unit_id": 987654}, id="missing-unit"),
    ],
)
def test_person_invariants_are_in_the_schema(make_person, db, fields):
    existing = make_person()  # phone 13700000001, member_no T000001
    values = {"name": "新人", "unit_id": existing.unit_id, "password_hash": "x", **fields}
    _expect_integrity_error(db, Person(**values))


def test_role_grant_is_unique_per_person_role_and_unit(make_person, db):
    person = make_person()
    db.session.add(RoleGrant(person_id=person.id, role=Role.SECRETARY, unit_id=person.unit_id))
    db.session.flush()
    _expect_integrity_error(
        db, RoleGrant(person_id=person.id, role=Role.SECRETARY, unit_id=person.unit_id)
    )


def test_enum_columns_reject_unknown_values(tree, db):
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("INSERT INTO unit (name, kind) VALUES ('野单位', 'party_cell')")
        )
    db.session.rollback()


def test_person_defaults(make_unit, db):
    unit = make_unit()
    person = Person(name="默认", unit_id=unit.id, phone="13911112222", password_hash="x")
    db.session.add(person)
    db.session.flush()
    assert person.must_change_password is True
    assert person.active is True
    assert person.auth_version == 1
    assert person.created_at is not None
    # Without a login session's token the id names no session (quizapp.auth.session).
    assert person.get_id() == f"{person.id}:1:"
    person.login_token = "abc"
    assert person.get_id() == f"{person.id}:1:abc"
