"""Roster import: dry run, commit, re-import, initial passwords and the template."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from roster_helpers import (  # noqa: F401 - org, roster_uploads: fixtures
    ADMIN_A,
    HEADER,
    MEMBER_A,
    ORGANIZER_A,
    commit_fields,
    confirm,
    csv_bytes,
    import_file,
    initial_passwords,
    org,
    people_count,
    preview,
    roster_uploads,
    snapshot,
    xlsx_bytes,
)

from quizapp.roster.template import build_template

ROWS = [
    ["王小明", "13811112222", "DY2001", "第一党支部", "第一党小组", ""],
    ["李小红", "138 1111 3333", "dy2002", "第一党支部", "第二党小组", "支部书记"],
    ["赵小刚", "+86 13811114444", "", "第二党支部", "", "党员、组织员"],
    ["钱小芳", "", "DY2004", "第二党支部", "第一党小组", "党员"],
]


def _check_imported(app, org):
    units = org["units"]
    people = snapshot(app)
    assert people["王小明"]["unit_id"] == units["a1g1"].id
    assert people["王小明"]["phone"] == "13811112222"
    assert people["李小红"] == {
        **people["李小红"], "phone": "13811113333", "member_no": "DY2002",
        "unit_id": units["a1g2"].id, "grants": [("secretary", units["a1"].id)],
    }
    assert people["赵小刚"]["phone"] == "13811114444" and people["赵小刚"]["member_no"] is None
    assert people["赵小刚"]["unit_id"] == units["a2"].id
    assert people["赵小刚"]["grants"] == [("organizer", units["a2"].id)]
    assert people["钱小芳"]["phone"] is None and people["钱小芳"]["unit_id"] == units["a2g1"].id
    assert people["钱小芳"]["grants"] == []
    for name in ("王小明", "李小红", "赵小刚", "钱小芳"):
        assert people[name]["must_change_password"] is True


def test_xlsx_dry_run_shows_the_plan_and_changes_nothing(app, client, org, login):
    before = people_count(app)
    login(client, ORGANIZER_A)
    response = preview(client, org["units"]["a"].id, xlsx_bytes(ROWS))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert 'data-count="new">4<' in html and 'data-count="grants">2<' in html
    assert 'data-count="errors">0<' in html
    assert "王小明" in html and "第一党支部 / 第一党小组" in html
    assert "支部书记（第一党支部）" in html and "组织员（第二党支部）" in html
    assert "确认导入" in html
    assert people_count(app) == before


def test_xlsx_commit_creates_people_units_roles_and_forced_password_change(app, client, org, login):
    login(client, ORGANIZER_A)
    response = import_file(client, org["units"]["a"].id, xlsx_bytes(ROWS))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "新增 4 人" in html and "新增角色 2 个" in html
    assert len(initial_passwords(html)) == 4
    _check_imported(app, org)


def test_csv_import_with_bom(app, client, org, login):
    login(client, ORGANIZER_A)
    response = import_file(client, org["units"]["a"].id, csv_bytes(ROWS, "utf-8-sig"), "名单.csv")
    assert "新增 4 人" in response.get_data(as_text=True)
    _check_imported(app, org)


def test_csv_without_bom_and_gbk_csv_from_excel(app, client, org, login):
    login(client, ORGANIZER_A)
    plain = preview(client, org["units"]["a"].id, csv_bytes(ROWS, "utf-8"), "a.csv")
    assert "CSV（UTF-8 编码）" in plain.get_data(as_text=True)
    gbk = preview(client, org["units"]["a"].id, csv_bytes(ROWS, "gbk"), "名单.csv")
    html = gbk.get_data(as_text=True)
    assert "CSV（GBK 编码）" in html and 'data-count="new">4<' in html
    confirm(client, org["units"]["a"].id, html)
    _check_imported(app, org)


def test_new_person_logs_in_with_the_initial_password_and_must_change_it(app, client, org, login):
    login(client, ORGANIZER_A)
    html = import_file(client, org["units"]["a"].id, xlsx_bytes(ROWS[:1])).get_data(as_text=True)
    [password] = initial_passwords(html)
    member = app.test_client()
    assert login(member, "13811112222", password).status_code == 302
    assert member.get("/").headers["Location"] == "/auth/change-password"


def test_reimport_updates_moves_and_grants_without_duplicates(app, client, org, login):
    unit_a = org["units"]["a"].id
    login(client, ORGANIZER_A)
    import_file(client, unit_a, xlsx_bytes(ROWS))
    count = people_count(app)
    first = snapshot(app)

    changed = [
        ["王小明", "13811112222", "DY2001", "第一党支部", "第一党小组", ""],  # unchanged
        ["李晓红", "13811113333", "DY2002", "第二党支部", "", "支部书记"],  # renamed, moved, new grant
        ["赵小刚", "13811114444", "DY2003", "第二党支部", "", "组织员"],  # member no added (matched by phone)
        ["钱小芳", "13811115555", "DY2004", "第二党支部", "第一党小组", ""],  # phone added
        [" 党员甲 ", MEMBER_A, "DY0100", "第二党支部", "", ""],  # an existing member moved
    ]
    response = preview(client, unit_a, xlsx_bytes(changed))
    html = response.get_data(as_text=True)
    assert 'data-count="new">0<' in html and 'data-count="updated">4<' in html
    assert 'data-count="unchanged">1<' in html and 'data-count="grants">1<' in html
    assert "姓名：" in html and "李小红" in html and "李晓红" in html
    assert "所属单位：" in html and "第一党支部 / 第一党小组" in html
    # A new name, unit or login number is confirmed apart (issues 19 and 17): four rows here
    # (the move of 党员甲 too).
    assert 'data-count="identity">4<' in html
    result = confirm(client, unit_a, html, identity=True).get_data(as_text=True)
    assert "新增 0 人，更新 4 人，无变化 1 人，新增角色 1 个" in result
    assert initial_passwords(result) == []

    after = snapshot(app)
    units = org["units"]
    assert people_count(app) == count
    assert after["李晓红"]["id"] == first["李小红"]["id"]
    assert after["李晓红"]["unit_id"] == units["a2"].id
    assert after["李晓红"]["grants"] == sorted([("secretary", units["a1"].id), ("secretary", units["a2"].id)])
    assert after["赵小刚"]["member_no"] == "DY2003"
    assert after["钱小芳"]["phone"] == "13811115555"
    assert after["党员甲"]["unit_id"] == units["a2"].id
    # Re-imported people keep their password state: no reset, no forced change.
    assert after["党员甲"]["must_change_password"] is False

    # The same file again changes nothing.
    again = preview(client, unit_a, xlsx_bytes(changed)).get_data(as_text=True)
    assert 'data-count="unchanged">5<' in again


def test_blank_numbers_keep_what_is_on_record(app, client, org, login):
    login(client, ORGANIZER_A)
    import_file(client, org["units"]["a"].id, xlsx_bytes([["党员甲", "", "DY0100", "第一党支部", "第一党小组", ""]]))
    assert snapshot(app)["党员甲"]["phone"] == MEMBER_A


def test_headers_tolerate_spaces_order_title_rows_and_unknown_columns(app, client, org, login):
    rows = [
        ["某某单位党员名单", None, None, None],
        [" 所属 支部 ", "备注", "姓 名", "手机号码（必填）", "性别"],
        ["第一党支部", "老同志", "孙一", "13811116666", "男"],
    ]
    login(client, ORGANIZER_A)
    html = preview(client, org["units"]["a"].id, xlsx_bytes(rows, header=None)).get_data(as_text=True)
    assert 'data-count="new">1<' in html and 'data-count="errors">0<' in html
    assert "已忽略无法识别的列：备注、性别" in html
    confirm(client, org["units"]["a"].id, html)
    assert snapshot(app)["孙一"]["unit_id"] == org["units"]["a1"].id


def test_numbers_stored_as_numbers_in_excel_are_read_as_text(app, client, org, login):
    login(client, ORGANIZER_A)
    rows = [["周二", 13811117777, 20240001, "第一党支部", None, None],
            ["吴三", 13811118888.0, None, "第一党支部", None, None]]
    import_file(client, org["units"]["a"].id, xlsx_bytes(rows))
    people = snapshot(app)
    assert people["周二"]["phone"] == "13811117777" and people["周二"]["member_no"] == "20240001"
    assert people["吴三"]["phone"] == "13811118888"


def test_commit_imports_the_staged_file_not_anything_from_the_browser(app, client, org, login):
    unit_a = org["units"]["a"].id
    login(client, ORGANIZER_A)
    fields = commit_fields(preview(client, unit_a, xlsx_bytes(ROWS)).get_data(as_text=True))
    before = people_count(app)
    for tampered in ({"sha256": "0" * 64}, {"token": "x" * 43}, {"digest": "f" * 64}):
        response = client.post(f"/roster/{unit_a}/commit", data={**fields, **tampered})
        assert response.status_code in (200, 302)
        assert people_count(app) == before
    assert "新增 4 人" in client.post(f"/roster/{unit_a}/commit", data=fields).get_data(as_text=True)


def test_a_second_commit_imports_nothing_twice(app, client, org, login):
    unit_a = org["units"]["a"].id
    login(client, ORGANIZER_A)
    html = preview(client, unit_a, xlsx_bytes(ROWS)).get_data(as_text=True)
    assert confirm(client, unit_a, html).status_code == 200
    count = people_count(app)
    again = confirm(client, unit_a, html)
    assert again.status_code == 302
    assert "导入预览已过期或已导入" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert people_count(app) == count


def test_commit_refuses_when_the_data_changed_after_the_dry_run(app, client, org, login, make_person):
    unit_a = org["units"]["a"].id
    login(client, ORGANIZER_A)
    html = preview(client, unit_a, xlsx_bytes(ROWS)).get_data(as_text=True)
    # Two people of the 总支 take a row's phone and member number in the meantime.
    make_person(name="插队者", phone="13811112222", member_no=None, unit=org["units"]["a1"])
    make_person(name="另一人", phone=None, member_no="DY2001", unit=org["units"]["a1"])
    before = people_count(app)
    response = confirm(client, unit_a, html)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "名单预览后数据已发生变化" in page and "整个文件都不会导入" in page
    assert "手机号 13811112222 已被“插队者”使用" in page
    assert people_count(app) == before


def test_a_number_taken_outside_after_the_dry_run_holds_its_row(app, client, org, login, make_person):
    """Outside the 总支 the plan cannot change (it must not tell who exists there): the row
    is held at the commit instead (issue 19)."""
    unit_a = org["units"]["a"].id
    login(client, ORGANIZER_A)
    html = preview(client, unit_a, xlsx_bytes(ROWS)).get_data(as_text=True)
    make_person(name="插队者", phone="13811112222", member_no=None, unit=org["units"]["b1"])
    before = people_count(app)
    page = confirm(client, unit_a, html).get_data(as_text=True)
    assert "新增 3 人" in page and "第 2 行 王小明</strong>：本行的手机号或党员编号需由上级管理员核对" in page
    assert people_count(app) == before + 3 and "王小明" not in snapshot(app)


def test_the_template_downloads_and_reimports_cleanly(app, client, org, login):
    unit_a = org["units"]["a"].id
    login(client, ORGANIZER_A)
    response = client.get(f"/roster/{unit_a}/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert [c.value for c in sheet[2]][3:5] == ["第一党支部", "第一党小组"]
    html = preview(client, unit_a, response.data, "党员名单导入模板.xlsx").get_data(as_text=True)
    assert 'data-count="new">1<' in html and 'data-count="errors">0<' in html
    confirm(client, unit_a, html)
    assert snapshot(app)["张三"]["unit_id"] == org["units"]["a1g1"].id


def test_admin_may_grant_admin(app, client, org, login):
    login(client, ADMIN_A)
    import_file(client, org["units"]["a"].id, xlsx_bytes([["郑四", "13811119999", "", "第一党支部", "", "管理员"]]))
    assert snapshot(app)["郑四"]["grants"] == [("admin", org["units"]["a1"].id)]


def test_upload_page_explains_and_links_the_template(client, org, login):
    login(client, ORGANIZER_A)
    assert client.get("/roster/").headers["Location"] == f"/roster/{org['units']['a'].id}/import"
    html = client.get(f"/roster/{org['units']['a'].id}/import").get_data(as_text=True)
    assert "导入党员名单" in html and "第一党总支" in html
    assert f"/roster/{org['units']['a'].id}/template.xlsx" in html
    assert "手机号和党员编号至少填一项" in html and "整个文件都不会导入" in html
    assert 'href="/roster/"' in html  # the nav link


def test_upload_and_commit_need_csrf_tokens_when_csrf_is_on(app, client, org, login, csrf_token):
    unit_a = org["units"]["a"].id
    login(client, ORGANIZER_A)
    app.config["WTF_CSRF_ENABLED"] = True
    assert preview(client, unit_a, xlsx_bytes(ROWS)).status_code == 400
    token = csrf_token(client.get(f"/roster/{unit_a}/import").get_data(as_text=True))
    response = client.post(
        f"/roster/{unit_a}/import",
        data={"file": (io.BytesIO(xlsx_bytes(ROWS)), "a.xlsx"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    fields = commit_fields(html)
    assert client.post(f"/roster/{unit_a}/commit", data=fields).status_code == 400
    done = client.post(f"/roster/{unit_a}/commit", data={**fields, "csrf_token": csrf_token(html)})
    assert "新增 4 人" in done.get_data(as_text=True)


def test_the_template_keeps_a_formula_like_unit_name_as_text():
    """Issue 19, finding 9: a unit named like a formula stays text when edited in Excel."""
    sheet = load_workbook(io.BytesIO(build_template("=1+1", "@SUM(A1)"))).active
    cells = [cell for cell in sheet[2] if cell.value in ("=1+1", "@SUM(A1)")]
    assert len(cells) == 2 and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_initial_passwords_download_once_as_excel(app, client, org, login):
    login(client, ORGANIZER_A)
    unit_a = org["units"]["a"].id
    done = import_file(client, unit_a, xlsx_bytes(ROWS)).get_data(as_text=True)
    shown = initial_passwords(done)
    link = re.search(r'href="([^"]+\.xlsx)" data-role="passwords-download"', done).group(1)
    first = client.get(link)
    assert first.status_code == 200 and first.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in first.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(first.data)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert sorted(row[3] for row in rows) == sorted(shown) and len(rows) == len(ROWS)
    assert {row[0] for row in rows} == {row[0].strip() for row in ROWS}
    again = client.get(link)
    assert again.status_code == 302
    assert "只能下载一次" in client.get(again.headers["Location"]).get_data(as_text=True)
    other = app.test_client()
    login(other, ADMIN_A)
    assert other.get(link).status_code == 302  # not the importer's: nothing
