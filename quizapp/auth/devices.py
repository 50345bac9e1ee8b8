"""A member's list of logins (one per device) and ending one of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import LoginSession, Person

# (substring of the User-Agent, name shown), the first match wins.
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("HarmonyOS", "鸿蒙"), ("Android", "安卓手机"),
            ("Windows", "Windows 电脑"), ("Macintosh", "Mac 电脑"), ("Linux", "Linux 电脑"))
_APPS = (("MicroMessenger", "微信"), ("wxwork", "企业微信"), ("DingTalk", "钉钉"),
         ("Edg/", "Edge"), ("Chrome/", "Chrome"), ("Firefox/", "Firefox"), ("Safari/", "Safari"))


def describe_device(user_agent: str | None) -> str:
    """A short Chinese name for the device and app of a User-Agent ("iPhone · 微信")."""
    text = user_agent or ""
    system = next((name for key, name in _SYSTEMS if key in text), "未知设备")
    app = next((name for key, name in _APPS if key in text), None)
    return f"{system} · {app}" if app else system


def live_logins(session: Session, person: Person, now: datetime) -> list[LoginSession]:
    """The person's logins that have not expired, the newest first."""
    return list(session.scalars(
        select(LoginSession)
        .where(LoginSession.person_id == person.id, LoginSession.expires_at > now)
        .order_by(LoginSession.created_at.desc(), LoginSession.id.desc())))


def end_login(session: Session, person: Person, login_id: int) -> LoginSession | None:
    """End one of the person's own logins (that device is logged out at its next request) and
    return it; None when there is no such login of theirs. Flushes, the caller commits."""
    login = session.scalar(select(LoginSession).where(
        LoginSession.id == login_id, LoginSession.person_id == person.id))
    if login is not None:
        session.delete(login)
        session.flush()
    return login
