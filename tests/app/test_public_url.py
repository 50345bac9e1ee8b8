"""The public address (QUIZAPP_PUBLIC_URL) in QR codes, posters and the notice text (issue 17)."""

from __future__ import annotations

import html as htmllib

import pytest

from activity_helpers import make_activity
from publish_helpers import ORGANIZER, org, quiz_org  # noqa: F401 - fixtures
from quizapp.config import ConfigError, load_config
from quizapp.publish.qr import qr_svg


@pytest.mark.parametrize(("value", "stored"), [
    ("https://dangjian.example.cn/", "https://dangjian.example.cn"),
    ("http://10.1.2.3:8080", "http://10.1.2.3:8080"),
    ("https://example.cn/dangjian/", "https://example.cn/dangjian"),
    ("", ""),
])
def test_the_setting_is_read_from_the_environment(value, stored):
    config = load_config({"QUIZAPP_ENV": "testing", "QUIZAPP_PUBLIC_URL": value})
    assert config["PUBLIC_URL"] == stored


@pytest.mark.parametrize("value", ["dangjian.example.cn", "ftp://example.cn", "https://", "https://x.cn/?a=1"])
def test_an_address_members_cannot_open_is_refused(value):
    with pytest.raises(ConfigError, match="QUIZAPP_PUBLIC_URL"):
        load_config({"QUIZAPP_ENV": "testing", "QUIZAPP_PUBLIC_URL": value})


def test_qr_poster_and_notice_use_the_public_address(app, client, login, org):
    activity = make_activity(app, org["units"]["general"].id, title="十二月测试")
    login(client, ORGANIZER)
    page = client.get(f"/publish/{activity}").get_data(as_text=True)
    assert f"http://localhost/quiz/activities/{activity}" in page  # unset: the request's address
    assert 'data-role="public-url-warning"' in page  # ... a loopback one, which phones cannot open
    app.config["PUBLIC_URL"] = "https://dangjian.example.cn"
    link = f"https://dangjian.example.cn/quiz/activities/{activity}"
    page = client.get(f"/publish/{activity}").get_data(as_text=True)
    assert 'data-role="public-url-warning"' not in page
    assert str(qr_svg(link)) in page
    notice = htmllib.unescape(page.split('data-role="notice-text">', 1)[1].split("</textarea>", 1)[0])
    assert link in notice and "《十二月测试》" in notice
    poster = client.get(f"/publish/{activity}/poster").get_data(as_text=True)
    assert link in poster and str(qr_svg(link)) in poster
    png = client.get(f"/publish/{activity}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"


def test_the_setting_is_documented():
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    for doc in ("README.md", "docs/deploy.md", "deploy/quizapp.env.example"):
        assert "QUIZAPP_PUBLIC_URL" in (root / doc).read_text(encoding="utf-8"), doc
