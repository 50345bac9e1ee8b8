"""Navigation that fits a phone and pages that fit a desktop (issue 17): a member's bottom tab
bar, an organizer's 菜单 (no sideways-scrolling bar), wide pages for tables, and a favicon."""

from __future__ import annotations

import re

from bank_helpers import ADMIN_A, MEMBER_A, bank_org  # noqa: F401 - fixtures
from quiz_helpers import MEMBER, attempt_id_from, bank, quiz_org, start  # noqa: F401 - fixtures


def _tabs(html):
    found = re.search(r'<nav class="app-tabs[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    return found.group(1) if found else ""


def _menu(html):
    return html.split('id="app-menu"', 1)[1].split("</ul>", 1)[0]


def test_a_member_has_a_tab_bar_to_every_member_page(client, login, bank_org):
    login(client, MEMBER_A)
    html = client.get("/").get_data(as_text=True)
    tabs = _tabs(html)
    for label, href in (("首页", 'href="/"'), ("练习", "/quiz/practice"), ("错题本", "/quiz/mistakes"),
                        ("积分", "/points/"), ("排名", "/reports/me")):
        assert label in tabs and href in tabs, label
    assert 'aria-current="page"' in tabs.split("练习")[0]  # 首页 is marked as here
    assert "overflow-auto" not in html  # no sideways-scrolling bar
    assert "退出" in _menu(html) and "题库" not in _menu(html)
    assert "app-container-wide" not in html


def test_an_organizer_finds_every_page_in_the_menu_and_tables_get_the_width(client, login, bank_org):
    login(client, ADMIN_A)
    html = client.get("/organize/").get_data(as_text=True)
    menu = _menu(html)
    for label in ("报表", "发布", "名单", "题库", "管理", "退出"):
        assert label in menu, label
    assert 'data-bs-toggle="collapse"' in html and 'data-bs-target="#app-menu"' in html
    assert '<main class="container app-container-wide' in html
    assert not _tabs(html) and "答题" in menu  # an organizer's page: the menu, no member tab bar


def test_no_tab_bar_while_answering(client, login, bank):
    login(client, MEMBER)
    attempt = attempt_id_from(start(client, count=5))
    html = client.get(f"/quiz/attempts/{attempt}/q/1").get_data(as_text=True)
    assert not _tabs(html) and 'class="app-has-tabs"' not in html  # the sticky 下一题 stays visible
    assert _tabs(client.get("/quiz/mistakes").get_data(as_text=True))


def test_the_favicon_is_served_on_every_page(client, login, bank_org):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    response.close()
    login(client, MEMBER_A)
    assert 'rel="icon" href="/favicon.ico"' in client.get("/").get_data(as_text=True)
