"""The audience page with per-member overrides, and the QR code of a published activity."""

from __future__ import annotations

import io
import re

import segno

from activity_helpers import at, make_activity
from publish_helpers import ORGANIZER, org, quiz_org, set_status  # noqa: F401 - fixtures
from quizapp.extensions import db
from quizapp.models import ActivityMember, ActivityStatus
from quizapp.publish.qr import qr_png, qr_svg
from quizapp.results.clock import as_utc


def _open_test(app, org) -> int:
    return make_activity(app, org["units"]["general"].id, title="进行中的测试", opens_at=at("2026-01-01"),
                         closes_at=at("2099-01-01"), time_limit_minutes=30)


def test_the_audience_is_listed_and_searched_by_name(app, client, login, org):
    activity = _open_test(app, org)
    login(client, ORGANIZER)
    page = client.get(f"/publish/{activity}/members").get_data(as_text=True)
    names = re.findall(r"<strong>([^<]+)</strong>", page)
    assert {"张三", "李四", "周五", "赵组织", "孙管理"} <= set(names) and "王五" not in names
    page = client.get(f"/publish/{activity}/members", query_string={"q": "李"}).get_data(as_text=True)
    assert re.findall(r"<strong>([^<]+)</strong>", page) == ["李四"]
    page = client.get(f"/publish/{activity}/members", query_string={"q": "%"}).get_data(as_text=True)
    assert "没有找到姓名含“%”的参加人员" in page


def test_an_override_needs_a_reason_and_is_recorded(app, client, login, org):
    activity = _open_test(app, org)
    person = org["people"]["member"].id
    login(client, ORGANIZER)
    url = f"/publish/{activity}/members/{person}"
    response = client.post(url, data={"extra_minutes": "20", "reason": "", "reason_text": ""})
    assert "请选择原因（出差、病假或其他）" in response.get_data(as_text=True)
    response = client.post(url, data={"extra_minutes": "20", "reason": "其他", "reason_text": ""})
    assert "原因选“其他”时请写明具体原因" in response.get_data(as_text=True)
    response = client.post(url, data={"extra_minutes": "", "reason": "出差",
                                      "makeup_opens_at": "2099-01-05T09:00", "makeup_closes_at": "2099-01-06T09:00"})
    assert response.status_code == 302
    with app.app_context():
        member = db.session.get(ActivityMember, (activity, person))
        assert member.override_reason == "出差" and member.override_by_id == org["people"]["organizer"].id
        assert as_utc(member.makeup_opens_at).hour == 1  # 09:00 Beijing
    page = client.get(f"/publish/{activity}/members").get_data(as_text=True)
    assert "补考 01-05 09:00 – 01-06 09:00" in page and "原因：出差" in page
    assert client.post(f"{url}/clear").status_code == 302
    with app.app_context():
        member = db.session.get(ActivityMember, (activity, person))
        assert member.makeup_opens_at is None and member.override_reason == ""


def test_people_outside_the_audience_have_no_override_page(app, client, login, org):
    activity = _open_test(app, org)
    login(client, ORGANIZER)
    assert client.get(f"/publish/{activity}/members/{org['people']['member'].id}").status_code == 200
    assert client.get(f"/publish/{activity}/members/{org['people']['outsider'].id}").status_code == 404
    response = client.post(f"/publish/{activity}/members/{org['people']['outsider'].id}",
                           data={"extra_minutes": "5", "reason": "病假"})
    assert response.status_code == 404


def test_the_qr_code_encodes_the_members_address(app, client, login, org):
    activity = _open_test(app, org)
    url = f"http://localhost/quiz/activities/{activity}"
    login(client, ORGANIZER)
    page = client.get(f"/publish/{activity}").get_data(as_text=True)
    assert url in page
    assert str(qr_svg(url)) in page
    assert str(qr_svg(url)) != str(qr_svg(url + "0"))
    poster = client.get(f"/publish/{activity}/poster").get_data(as_text=True)
    assert str(qr_svg(url)) in poster and "进行中的测试" in poster and "北京时间" in poster
    assert "http" not in poster.replace(url, "").replace("http://www.w3.org", "")  # no outside resources
    png = client.get(f"/publish/{activity}/qr.png")
    assert png.headers["Content-Type"] == "image/png" and png.data == qr_png(url)


def test_qr_svg_is_the_code_of_exactly_that_url():
    url = "https://dj.example.cn/quiz/activities/7"
    modules = segno.make(url, error="m").matrix
    svg = str(qr_svg(url))
    assert svg.startswith("<svg") and 'class="qr-code"' in svg
    size = len(modules) + 8  # quiet zone of 4 on each side
    assert f'viewBox="0 0 {size} {size}"' in svg
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=1, omitsize=True, svgclass="qr-code",
                                    dark="#000", light="#fff", xmldecl=False, svgns=False, nl=False)
    assert buffer.getvalue().decode() == svg


def test_a_draft_or_cancelled_activity_has_no_qr_code(app, client, login, org):
    draft = set_status(app, _open_test(app, org), ActivityStatus.DRAFT)
    cancelled = set_status(app, _open_test(app, org), ActivityStatus.CANCELLED)
    login(client, ORGANIZER)
    for activity in (draft, cancelled):
        assert client.get(f"/publish/{activity}/poster").status_code == 404
        assert client.get(f"/publish/{activity}/qr.png").status_code == 404
        assert "qr-code" not in client.get(f"/publish/{activity}").get_data(as_text=True)
