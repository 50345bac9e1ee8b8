"""Shared pieces for the roster import tests: an organization, files and requests.

A test module imports the fixtures ``org`` (``build_org``) and ``roster_uploads`` (autouse:
``use_upload_dir``), or wraps the two functions in fixtures of its own.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Person, Role, RoleGrant, UnitKind

HEADER = ["姓名", "手机号", "党员编号", "所属支部", "党小组", "角色"]
ORGANIZER_A = "13900000001"
ADMIN_A = "13900000000"
ORGANIZER_B = "13900000002"
MEMBER_A = "13800000001"
OUTSIDER_B = "13800000009"

_HIDDEN = re.compile(r'<input[^>]*name="(token|sha256|digest)"[^>]*value="([^"]*)"')


def use_upload_dir(app: Flask, tmp_path: Path) -> Path:
    """Stage uploads in the test's own folder, not the instance folder."""
    folder = tmp_path / "roster_uploads"
    app.config["ROSTER_UPLOAD_DIR"] = str(folder)
    return folder


@pytest.fixture(autouse=True)
def roster_uploads(app: Flask, tmp_path: Path) -> Path:
    return use_upload_dir(app, tmp_path)


@pytest.fixture
def org(make_unit: Any, make_person: Any) -> dict[str, Any]:
    return build_org(make_unit, make_person)


def build_org(make_unit: Any, make_person: Any) -> dict[str, Any]:
    """Two 党总支. A: two 党支部 with 党小组, an organizer, an admin and a member.
    B: one 党支部, its organizer and a member."""
    a = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    a1 = make_unit("第一党支部", UnitKind.BRANCH, a)
    a1g1 = make_unit("第一党小组", UnitKind.GROUP, a1)
    a1g2 = make_unit("第二党小组", UnitKind.GROUP, a1)
    a2 = make_unit("第二党支部", UnitKind.BRANCH, a)
    a2g1 = make_unit("第一党小组", UnitKind.GROUP, a2)
    b = make_unit("第二党总支", UnitKind.GENERAL_BRANCH)
    b1 = make_unit("外单位党支部", UnitKind.BRANCH, b)
    units = {"a": a, "a1": a1, "a1g1": a1g1, "a1g2": a1g2, "a2": a2, "a2g1": a2g1, "b": b, "b1": b1}
    people = {
        "organizer_a": make_person(name="组织员甲", phone=ORGANIZER_A, member_no="ORG001",
                                   unit=a, roles=[(Role.ORGANIZER, a)]),
        "admin_a": make_person(name="管理员甲", phone=ADMIN_A, member_no="ADM001",
                               unit=a, roles=[(Role.ADMIN, a)]),
        "organizer_b": make_person(name="组织员乙", phone=ORGANIZER_B, member_no="ORG002",
                                   unit=b, roles=[(Role.ORGANIZER, b)]),
        "member_a": make_person(name="党员甲", phone=MEMBER_A, member_no="DY0100", unit=a1g1),
        "outsider": make_person(name="外单位党员", phone=OUTSIDER_B, member_no="OUT001", unit=b1),
    }
    return {"units": units, "people": people}


def xlsx_bytes(rows: list[list[Any]], header: list[str] | None = HEADER) -> bytes:
    """A workbook with these rows; strings are text cells, even ones starting with “=”."""
    workbook = Workbook()
    sheet = workbook.active
    for row in ([header] if header else []) + rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8", header: list[str] | None = HEADER) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in ([header] if header else []) + rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def preview(client: FlaskClient, unit_id: int, data: bytes, filename: str = "名单.xlsx") -> Any:
    """Upload a file for the dry run."""
    if len(data) > 256 * 1024:
        # Werkzeug's test client would spool a big upload to a temporary
        # file that it never closes (a ResourceWarning): send the body as is.
        body, content_type = _multipart(data, filename)
        return client.post(f"/roster/{unit_id}/import", data=body, content_type=content_type)
    return client.post(
        f"/roster/{unit_id}/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _multipart(data: bytes, filename: str) -> tuple[bytes, str]:
    boundary = "roster-test-boundary-7d1f"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def commit_fields(html: str) -> dict[str, str]:
    fields = dict(_HIDDEN.findall(html))
    assert set(fields) == {"token", "sha256", "digest"}, "no commit form on the page"
    return fields


def confirm(client: FlaskClient, unit_id: int, preview_html: str, identity: bool = False) -> Any:
    """Press 确认导入 on a dry-run page; ``identity`` ticks the confirmation of changed names
    and login numbers."""
    data = commit_fields(preview_html)
    if identity:
        data["confirm_identity"] = "y"
    return client.post(f"/roster/{unit_id}/commit", data=data)


def import_file(client: FlaskClient, unit_id: int, data: bytes, filename: str = "名单.xlsx",
                identity: bool = False) -> Any:
    """Dry run then commit; returns the commit response."""
    response = preview(client, unit_id, data, filename)
    assert response.status_code == 200
    return confirm(client, unit_id, response.get_data(as_text=True), identity)


def initial_passwords(html: str) -> list[str]:
    return re.findall(r"data-initial-password>([^<]+)<", html)


def snapshot(app: Flask) -> dict[str, dict[str, Any]]:
    """Every person by name: numbers, unit, flags and grants as (role, unit id)."""
    with app.app_context():
        result = {}
        for person in db.session.scalars(select(Person).order_by(Person.id)):
            grants = db.session.scalars(select(RoleGrant).where(RoleGrant.person_id == person.id))
            result[person.name] = {
                "id": person.id,
                "phone": person.phone,
                "member_no": person.member_no,
                "unit_id": person.unit_id,
                "must_change_password": person.must_change_password,
                "grants": sorted((g.role.value, g.unit_id) for g in grants),
            }
        return result


def people_count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Person.id)).all())
