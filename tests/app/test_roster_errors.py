"""Roster import: bad rows and bad files give Chinese messages and import nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from roster_helpers import (  # noqa: F401 - org, roster_uploads: fixtures
    ADMIN_A,
    MEMBER_A,
    ORGANIZER_A,
    csv_bytes,
    org,
    people_count,
    preview,
    roster_uploads,
    xlsx_bytes,
)

from quizapp.models import Role, UnitKind
from quizapp.roster.reader import MAX_ROWS

GOOD = ["好人", "13822220000", "GOOD01", "第一党支部", "", ""]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "13822220001", "", "第一党支部", "", ""], "缺少姓名"),
        (["无号", "", "", "第一党支部", "", ""], "手机号和党员编号至少填写一项"),
        (["短号", "1382222", "", "第一党支部", "", ""], "手机号“1382222”格式不正确，应为 11 位手机号码"),
        (["座机", "01012345678", "", "第一党支部", "", ""], "手机号“01012345678”格式不正确"),
        (["十二", "12822220001", "", "第一党支部", "", ""], "格式不正确"),
        (["科学", "1.38222E+10", "", "第一党支部", "", ""], "科学计数法"),
        (["编号", "", "DY 00=1", "第一党支部", "", ""], "党员编号“DY 00=1”格式不正确"),
        (["公式", "13822220001", "", "第一党支部", "", "=1+1"], "角色“=1+1”无法识别"),
        (["=HYPERLINK(1)", "13822220001", "", "第一党支部", "", ""], "姓名不能以 = + - @ 开头"),
        (["无支部", "13822220001", "", "", "", ""], "缺少所属支部"),
        (["错支部", "13822220001", "", "第九党支部", "", ""], "所属支部“第九党支部”不存在，或不在第一党总支范围内"),
        (["外支部", "13822220001", "", "外单位党支部", "", ""], "所属支部“外单位党支部”不存在"),
        (["错小组", "13822220001", "", "第二党支部", "第二党小组", ""], "党小组“第二党小组”不在“第二党支部”下"),
        (["小组当支部", "13822220001", "", "第一党小组", "", ""], "所属支部“第一党小组”不存在"),
        (["怪角色", "13822220001", "", "第一党支部", "", "党员、班长"], "角色“班长”无法识别，可填：党员、支部书记、组织员、管理员"),
        (["越权", "13822220001", "", "第一党支部", "", "管理员"], "只有管理员可以授予“管理员”角色"),
        (["撞号", ADMIN_A, "DY0100", "第一党支部", "", ""], "手机号 13900000000 已被“管理员甲”使用"),
        # A login tries the phone number, then the member number: one namespace for both.
        (["撞号", "", MEMBER_A, "第一党支部", "", ""], "党员编号 13800000001 已被“党员甲”使用"),
        (["改管理员", ADMIN_A, "ADM001", "第一党支部", "", ""], "“管理员甲”担任管理员，超出您的权限"),
        # Numbers held outside the 总支 are not errors: see test_roster_outside.py.
    ],
)
def test_bad_row_is_reported_with_its_row_number_and_nothing_is_imported(
    app, client, org, login, row, message
):
    before = people_count(app)
    login(client, ORGANIZER_A)
    response = preview(client, org["units"]["a"].id, xlsx_bytes([GOOD, row]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>第 3 行</strong>：" in html and message in html, html
    assert "整个文件都不会导入" in html
    assert 'data-count="errors">1<' in html and 'data-count="new">1<' in html
    assert 'name="token"' not in html  # no way to commit
    assert people_count(app) == before


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([GOOD, ["另一人", "13822220000", "", "第一党支部", "", ""]], "手机号 13822220000 与第 2 行重复"),
        ([GOOD, ["另一人", "", "good01", "第一党支部", "", ""]], "党员编号 GOOD01 与第 2 行重复"),
        ([["党员甲", MEMBER_A, "", "第一党支部", "", ""], ["党员甲", "", "DY0100", "第一党支部", "", ""]],
         "与第 2 行是同一人（党员甲），请合并为一行"),
    ],
)
def test_duplicates_within_the_file(app, client, org, login, rows, message):
    before = people_count(app)
    login(client, ORGANIZER_A)
    html = preview(client, org["units"]["a"].id, xlsx_bytes(rows)).get_data(as_text=True)
    assert "<strong>第 3 行</strong>：" + message in html
    assert people_count(app) == before


def test_every_error_of_every_row_is_listed(client, org, login):
    rows = [["", "123", "", "第九党支部", "", "班长"], GOOD, ["", "", "", "", "", ""], ["乙", "", "", "", "", ""]]
    login(client, ORGANIZER_A)
    html = preview(client, org["units"]["a"].id, xlsx_bytes(rows)).get_data(as_text=True)
    for expected in ("第 2 行</strong>：缺少姓名", "第 2 行</strong>：手机号“123”", "第 2 行</strong>：所属支部“第九党支部”",
                     "第 2 行</strong>：角色“班长”", "第 5 行</strong>：手机号和党员编号", "第 5 行</strong>：缺少所属支部"):
        assert expected in html
    assert 'data-count="errors">2<' in html  # the blank row 4 is skipped


def _zip_without(data: bytes, member: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != member:
                target.writestr(item, source.read(item))
    return out.getvalue()


_GOOD_XLSX = xlsx_bytes([GOOD])


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.xlsx", "文件是空的"),
        (b"hello", "a.txt", "只支持 Excel（.xlsx）或 CSV（.csv）文件"),
        (_GOOD_XLSX, "名单", "只支持 Excel（.xlsx）或 CSV（.csv）文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "不支持旧版 Excel（.xls）"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "文件已损坏或不是有效的 .xlsx 文件"),
        (_GOOD_XLSX[: len(_GOOD_XLSX) // 2], "a.xlsx", "文件已损坏或不是有效的 .xlsx 文件"),
        (_zip_without(_GOOD_XLSX, "xl/workbook.xml"), "a.xlsx", "文件已损坏或不是有效的 .xlsx 文件"),
        (csv_bytes([GOOD])[:-1] + b"\xff\xfe\xfa", "a.csv", "无法识别 CSV 文件的编码"),
        (xlsx_bytes([]), "a.xlsx", "文件中只有表头，没有人员数据"),
        (xlsx_bytes([], header=None), "a.xlsx", "找不到表头"),
        (xlsx_bytes([["x", "y"]], header=["序号", "单位"]), "a.xlsx", "找不到表头"),
        (xlsx_bytes([GOOD[:3]], header=["姓名", "手机号", "党员编号"]), "a.xlsx", "缺少必需的列：所属支部"),
        (xlsx_bytes([["甲", "第一党支部"]], header=["姓名", "所属支部"]), "a.xlsx", "缺少“手机号”或“党员编号”列"),
        (xlsx_bytes([GOOD + ["x"]], header=["姓名", "手机号", "党员编号", "所属支部", "党小组", "角色", "手机"]),
         "a.xlsx", "表头中“手机号”列出现了多次"),
        (b"\x00\x01\x02 binary", "a.csv", "找不到表头"),
    ],
    ids=["empty", "txt", "no-extension", "xls", "not-zip", "truncated", "no-workbook", "bad-encoding",
         "no-rows", "nothing", "no-header", "missing-column", "no-login-column", "repeated-column", "binary-csv"],
)
def test_bad_file_gets_a_message_on_the_page(app, client, org, login, data, filename, message):
    before = people_count(app)
    login(client, ORGANIZER_A)
    response = preview(client, org["units"]["a"].id, data, filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html and "data-file-error" in html
    assert people_count(app) == before


def test_too_many_rows(client, org, login):
    rows = [[f"人{i}", f"139{i:08d}", "", "第一党支部", "", ""] for i in range(MAX_ROWS + 1)]
    login(client, ORGANIZER_A)
    html = preview(client, org["units"]["a"].id, csv_bytes(rows), "a.csv").get_data(as_text=True)
    assert f"一次最多导入 {MAX_ROWS} 人" in html


def test_file_over_2_mb_is_refused_with_a_message(app, client, org, login):
    before = people_count(app)
    login(client, ORGANIZER_A)
    big = csv_bytes([GOOD]) + b"," * (2 * 1024 * 1024 + 100 * 1024)
    response = preview(client, org["units"]["a"].id, big, "big.csv")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "文件超过 2 MB" in page
    assert people_count(app) == before


def test_file_just_over_2_mb_within_the_request_limit(client, org, login):
    login(client, ORGANIZER_A)
    big = csv_bytes([GOOD]) + b"\r\n" * (1024 * 1024 + 10)
    html = preview(client, org["units"]["a"].id, big, "big.csv").get_data(as_text=True)
    assert "文件超过 2 MB" in html


def test_submitting_without_a_file(client, org, login):
    login(client, ORGANIZER_A)
    response = client.post(f"/roster/{org['units']['a'].id}/import", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "请选择要导入的名单文件" in response.get_data(as_text=True)


def test_ambiguous_branch_names_can_be_written_with_their_parent(app, client, make_unit, make_person, login):
    committee = make_unit("机关党委", UnitKind.COMMITTEE)
    for name in ("甲总支", "乙总支"):
        general = make_unit(name, UnitKind.GENERAL_BRANCH, committee)
        make_unit("第一党支部", UnitKind.BRANCH, general)
    make_person(phone=ORGANIZER_A, unit=committee, roles=[(Role.ORGANIZER, committee)])
    login(client, ORGANIZER_A)
    ambiguous = preview(client, committee.id, xlsx_bytes([["甲", "13822220001", "", "第一党支部", "", ""]]))
    assert "所属支部“第一党支部”有 2 个同名单位，请连同上级一起填写，如“甲总支/第一党支部”" in ambiguous.get_data(as_text=True)
    clear = preview(client, committee.id, xlsx_bytes([["甲", "13822220001", "", "乙总支 / 第一党支部", "", ""]]))
    html = clear.get_data(as_text=True)
    assert 'data-count="errors">0<' in html and "乙总支 / 第一党支部" in html
    # The template's example then names the branch with its parent, and imports cleanly.
    template = client.get(f"/roster/{committee.id}/template.xlsx").data
    assert 'data-count="errors">0<' in preview(client, committee.id, template).get_data(as_text=True)


def test_file_over_2_mb_with_csrf_on_still_gets_the_message(app, client, org, login):
    login(client, ORGANIZER_A)
    app.config["WTF_CSRF_ENABLED"] = True
    big = csv_bytes([GOOD]) + b"," * (2 * 1024 * 1024 + 100 * 1024)
    response = preview(client, org["units"]["a"].id, big, "big.csv")
    assert response.status_code == 302
    assert "文件超过 2 MB" in client.get(response.headers["Location"]).get_data(as_text=True)
