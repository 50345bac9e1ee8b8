"""Roster updates and identities (issue 19, finding 5): who may rename a person or change the
numbers they log in with, the separate confirmation of such changes, and logins that a new
person must not take over."""

from __future__ import annotations

import pytest
from fault_helpers import counting_statements
from roster_helpers import (  # noqa: F401 - org, roster_uploads: fixtures
    ADMIN_A,
    MEMBER_A,
    ORGANIZER_A,
    confirm,
    import_file,
    initial_passwords,
    org,
    people_count,
    preview,
    roster_uploads,
    snapshot,
    xlsx_bytes,
)

from quizapp.extensions import db
from quizapp.models import Person, Role
from quizapp.roster.services import plan_import


def _session_person(client):
    """The id of the person the client's session is logged in as, or None."""
    with client.session_transaction() as session:
        user = session.get("_user_id")
    return int(user.split(":")[0]) if user else None


def _opens_as(app, login, account, password, name):
    """Log in with ``account`` and ``password``; True when it opens ``name``'s account."""
    client = app.test_client()
    if login(client, account, password).status_code != 302:
        return False
    return _session_person(client) == snapshot(app)[name]["id"]


def _attempt(client, unit_id, rows):
    """Dry-run ``rows`` and, if the page offers it, confirm everything (as an attacker would);
    returns the dry-run page and the initial passwords shown."""
    html = preview(client, unit_id, xlsx_bytes(rows)).get_data(as_text=True)
    if 'name="token"' not in html:
        return html, []
    done = confirm(client, unit_id, html, identity=True).get_data(as_text=True)
    return html, initial_passwords(done)


def test_an_organizer_cannot_rename_an_admin_and_hand_his_phone_to_a_look_alike(app, client, org,
                                                                                 login):
    """The attack: a row with the admin's 党员编号 renames him, changes his phone and moves him
    into a 党小组; a second file gives a look-alike his old phone, whose password the
    organizer is shown."""
    unit_a = org["units"]["a"].id
    before = snapshot(app)["管理员甲"]
    login(client, ORGANIZER_A)
    rename, _ = _attempt(client, unit_a, [["李某", "13811110000", "ADM001", "第一党支部", "第一党小组", ""]])
    look_alike, passwords = _attempt(client, unit_a, [["管理员甲", ADMIN_A, "", "第一党支部",
                                                       "第一党小组", ""]])
    for password in passwords:
        assert not _opens_as(app, login, ADMIN_A, password, "管理员甲")
    assert passwords == [] and "李某" not in snapshot(app)
    assert snapshot(app)["管理员甲"] == before
    assert _opens_as(app, login, ADMIN_A, "secret123", "管理员甲")
    for page in (rename, look_alike):
        assert "“管理员甲”担任管理员，超出您的权限" in page and 'name="token"' not in page


@pytest.mark.parametrize("row", [
    ["总支组织员乙", "13900000005", "ORG005", "第一党支部", "", ""],  # a name
    ["总支组织员", "13811110001", "ORG005", "第一党支部", "", ""],  # a phone
    ["总支组织员", "13900000005", "ORG009", "第一党支部", "", ""],  # a member number
    ["总支组织员", "13900000005", "ORG005", "第一党支部", "第一党小组", ""],  # a unit
], ids=["name", "phone", "member_no", "unit"])
def test_a_branch_organizer_cannot_change_an_organizer_of_the_general_branch(app, client, org,
                                                                             make_person, login, row):
    units = org["units"]
    make_person(name="总支组织员", phone="13900000005", member_no="ORG005", unit=units["a1"],
                roles=[(Role.ORGANIZER, units["a"])])
    make_person(name="支部组织员", phone="13900000006", unit=units["a1"],
                roles=[(Role.ORGANIZER, units["a1"])])
    before = snapshot(app)
    login(client, "13900000006")
    html = preview(client, units["a1"].id, xlsx_bytes([row])).get_data(as_text=True)
    assert "“总支组织员”担任组织员，超出您的权限" in html and 'name="token"' not in html
    assert snapshot(app) == before
    # The row as it is on record changes nothing, and is fine.
    same = ["总支组织员", "13900000005", "ORG005", "第一党支部", "", ""]
    assert 'data-count="unchanged">1<' in preview(client, units["a1"].id,
                                                   xlsx_bytes([same])).get_data(as_text=True)


def test_roles_within_reach_may_be_changed(app, client, org, make_person, login):
    units = org["units"]
    make_person(name="支部书记", phone="13900000007", member_no="SEC007", unit=units["a1"],
                roles=[(Role.SECRETARY, units["a1"])])
    login(client, ORGANIZER_A)  # an organizer changes a secretary below him
    done = import_file(client, units["a"].id,
                       xlsx_bytes([["支部书记乙", "13900000007", "SEC007", "第二党支部", "", ""]]),
                       identity=True)
    assert "更新 1 人" in done.get_data(as_text=True)
    assert snapshot(app)["支部书记乙"]["unit_id"] == units["a2"].id
    admin = app.test_client()
    login(admin, ADMIN_A)  # the admin changes the organizer
    done = import_file(admin, units["a"].id,
                       xlsx_bytes([["组织员甲乙", "13811110002", "ORG001", "第一党总支", "", ""]]),
                       identity=True)
    assert "更新 1 人" in done.get_data(as_text=True)
    assert snapshot(app)["组织员甲乙"]["phone"] == "13811110002"


def test_changes_of_name_or_login_number_are_listed_apart_and_held_unless_confirmed(app, client, org,
                                                                                   login):
    unit_a, units = org["units"]["a"].id, org["units"]
    rows = [
        ["党员甲乙", MEMBER_A, "DY0100", "第一党支部", "第一党小组", ""],  # renamed
        ["新人", "13811110003", "", "第二党支部", "", ""],  # new
    ]
    login(client, ORGANIZER_A)
    html = preview(client, unit_a, xlsx_bytes(rows)).get_data(as_text=True)
    assert 'data-count="identity">1<' in html and 'data-section="identity"' in html
    assert 'data-section="updated"' not in html  # the rename is listed apart only
    assert 'name="confirm_identity"' in html and "不勾选时，这些行保留不导入" in html
    done = confirm(client, unit_a, html).get_data(as_text=True)
    assert "新增 1 人，更新 0 人" in done and "保留未导入 1 行" in done
    assert "第 2 行 党员甲乙</strong>：姓名、手机号或党员编号的修改未勾选确认" in done
    people = snapshot(app)
    assert "新人" in people and "党员甲乙" not in people and people["党员甲"]["unit_id"] == units["a1g1"].id

    # The same rename with a phone change and a move, ticked this time.
    rows = [["党员甲乙", "13811110004", "DY0100", "第二党支部", "", ""]]
    html = preview(client, unit_a, xlsx_bytes(rows)).get_data(as_text=True)
    assert "手机号：" in html and MEMBER_A in html and "13811110004" in html
    done = confirm(client, unit_a, html, identity=True).get_data(as_text=True)
    assert "更新 1 人" in done and "保留未导入" not in done
    person = snapshot(app)["党员甲乙"]
    assert (person["phone"], person["unit_id"]) == ("13811110004", units["a2"].id)


def test_a_move_stands_out_and_needs_its_own_confirmation(app, client, org, login):
    """Issue 17: a row with an existing member's phone moves that member: the organizer says so."""
    login(client, ORGANIZER_A)
    before = snapshot(app)["党员甲"]["unit_id"]
    html = preview(client, org["units"]["a"].id,
                   xlsx_bytes([["党员甲", MEMBER_A, "DY0100", "第二党支部", "", ""]])).get_data(as_text=True)
    assert 'data-count="identity">1<' in html and 'name="confirm_identity"' in html
    identity = html.split('data-section="identity"', 1)[1].split("</ul>", 1)[0]
    assert 'data-change="所属单位"' in identity and "请核对" in identity
    held = confirm(client, org["units"]["a"].id, html).get_data(as_text=True)
    assert "保留未导入 1 行" in held and snapshot(app)["党员甲"]["unit_id"] == before
    html = preview(client, org["units"]["a"].id,
                   xlsx_bytes([["党员甲", MEMBER_A, "DY0100", "第二党支部", "", ""]])).get_data(as_text=True)
    assert "更新 1 人" in confirm(client, org["units"]["a"].id, html, identity=True).get_data(as_text=True)
    assert snapshot(app)["党员甲"]["unit_id"] == org["units"]["a2"].id


@pytest.mark.parametrize("field", ["phone", "member_no"])
def test_a_new_persons_number_cannot_shadow_anothers_login(app, client, org, make_person, login,
                                                          field):
    """The attack: a login tries the phone number first, then the member number, so a new
    person whose phone is someone's member number takes that login over (and the reverse,
    once the phone is changed)."""
    number = "13912345678"
    if field == "phone":  # someone logs in with a member number that looks like a phone
        make_person(name="老党员", unit=org["units"]["a1"], phone=None, member_no=number)
        row = ["新党员", number, "", "第一党支部", "", ""]
    else:
        make_person(name="老党员", unit=org["units"]["a1"], phone=number, member_no="OLD001")
        row = ["新党员", "", number, "第一党支部", "", ""]
    before = people_count(app)
    login(client, ORGANIZER_A)
    html, passwords = _attempt(client, org["units"]["a"].id, [row])
    if field == "member_no" and passwords:  # the old person's phone changes later
        _attempt(client, org["units"]["a"].id,
                 [["老党员", "13912345670", "OLD001", "第一党支部", "", ""]])
    for password in passwords:
        assert not _opens_as(app, login, number, password, "新党员")
    assert passwords == [] and people_count(app) == before
    label = "手机号" if field == "phone" else "党员编号"
    assert f"{label} {number} 已被“老党员”使用" in html and 'name="token"' not in html
    assert _opens_as(app, login, number, "secret123", "老党员")


def test_a_number_used_twice_in_one_file_across_the_two_columns(client, org, login):
    rows = [["甲", "13811110005", "", "第一党支部", "", ""], ["乙", "", "13811110005", "第一党支部", "", ""]]
    login(client, ORGANIZER_A)
    html = preview(client, org["units"]["a"].id, xlsx_bytes(rows)).get_data(as_text=True)
    assert "第 3 行</strong>：党员编号 13811110005 与第 2 行重复" in html


def test_a_freed_phone_number_gives_a_new_person_nothing_of_the_old_one(app, client, org, login):
    unit_a = org["units"]["a"].id
    member = app.test_client()
    login(member, MEMBER_A)
    login(client, ADMIN_A)
    import_file(client, unit_a, xlsx_bytes([["党员甲", "13811110006", "DY0100", "第一党支部",
                                             "第一党小组", ""]]), identity=True)
    done = import_file(client, unit_a, xlsx_bytes([["新来的", MEMBER_A, "", "第一党支部", "", ""]]))
    [password] = initial_passwords(done.get_data(as_text=True))
    # The old person keeps his session, his password (with his new number) and his record.
    assert member.get("/points/").status_code == 200
    assert _session_person(member) == snapshot(app)["党员甲"]["id"]
    assert _opens_as(app, login, "13811110006", "secret123", "党员甲")
    assert _opens_as(app, login, "DY0100", "secret123", "党员甲")
    # The number now opens only the new person's account, with its own password to change.
    assert not _opens_as(app, login, MEMBER_A, "secret123", "党员甲")
    newcomer = app.test_client()
    assert login(newcomer, MEMBER_A, password).status_code == 302
    assert newcomer.get("/").headers["Location"] == "/auth/change-password"
    assert _session_person(newcomer) == snapshot(app)["新来的"]["id"]
    people = snapshot(app)
    assert people["新来的"]["grants"] == [] and people["新来的"]["must_change_password"] is True
    assert people["新来的"]["id"] != people["党员甲"]["id"]


def test_a_dry_run_of_many_updates_costs_no_statement_a_row(app, org, make_person):
    """Checking the authority over each matched person reads the grants loaded with the
    people, not one query a row (the commit plans the file again)."""
    units = org["units"]
    rows = []
    for i in range(30):
        make_person(name=f"人{i}", phone=f"1370000{i:04d}", unit=units["a1"],
                    roles=[(Role.SECRETARY, units["a1"])] if i == 0 else [])
        rows.append([f"人{i}", f"1370000{i:04d}", "", "第二党支部", "", ""])
    statements = []
    with app.app_context():
        importer = db.session.get(Person, org["people"]["organizer_a"].id)
        for size in (6, 30):
            with counting_statements(db.engine) as count:
                plan = plan_import(db.session, xlsx_bytes(rows[:size]), "名单.xlsx", importer,
                                   units["a"].id)
            assert plan.ok and len(plan.updated_rows) == size
            statements.append(len(count.statements))
    assert statements[0] == statements[1], statements
