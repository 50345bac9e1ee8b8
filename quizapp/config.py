"""Settings read from the environment.

Every setting the operator may change is a ``QUIZAPP_*`` environment variable:

``QUIZAPP_ENV``
    ``production`` (the default), ``development`` or ``testing``.
``QUIZAPP_SECRET_KEY``
    Signs sessions and CSRF tokens. Required in production; in development and
    testing a random per-process key is used instead (sessions end on restart).
``QUIZAPP_DATABASE_URL``
    SQLAlchemy URL; defaults to ``quizapp.sqlite`` in the Flask instance folder.
    ``postgresql://`` URLs are rewritten to use the psycopg 3 driver.
``QUIZAPP_RATELIMIT_STORAGE_URI``
    No longer read (issue 16): no route is rate-limited by Flask-Limiter any more, so nothing
    keeps counters there. Failed logins are counted in the database
    (``quizapp.auth.throttle``), shared by every worker and node.
``QUIZAPP_SECURE_COOKIES``
    ``1``/``0``: send cookies over HTTPS only. On by default in production; turn
    it off only for an intranet served over plain HTTP.
``QUIZAPP_TRUSTED_PROXIES``
    Comma-separated addresses or networks (``127.0.0.1``, ``10.0.0.5``,
    ``10.0.0.0/24``) of the reverse proxies whose ``X-Forwarded-*`` headers are
    believed (``quizapp.proxies``); from any other peer they are dropped. None
    in production and testing; in development the loopback addresses
    (127.0.0.1, ::1), so a local nginx in front of ``flask run`` works as in
    production and nothing outside the machine can name its own address. The
    login throttle counts per client address: set it to nginx's address, or every
    user shares nginx's. (``QUIZAPP_PROXY_COUNT``, which trusted the headers from any
    peer, is refused unless this is set.)
``QUIZAPP_CONTEST_REDIS_URL``
    Where the live 知识竞赛 keeps the state its phones poll (``redis://127.0.0.1:6379/0``),
    shared by every worker and node. Unset (a fresh machine without Redis), the polls read the
    contest's row in the database instead: still shared and correct, only more reads there.
    The contest's state and answers are written to the database either way.
``QUIZAPP_LOGIN_IDLE_MINUTES``, ``QUIZAPP_LOGIN_MAX_HOURS``
    A login without 记住我 ends after this many minutes without a request (120)
    and at the latest this many hours after it began (24). A login with 记住我
    lasts ``REMEMBER_COOKIE_DURATION`` (30 days) from the login.
``QUIZAPP_PUBLIC_URL``
    The address members open the site at, as their phones reach it
    (``https://dangjian.example.cn``, or ``http://10.1.2.3:8080`` on an intranet):
    scheme and host, with a port or a path prefix if the site has one. QR codes,
    posters and the activity link an organizer sends use it. Unset, they use the
    address of the request (fine when organizers and members reach the same host;
    the QR page warns when that is the loopback address a phone cannot open).
``QUIZAPP_TRUSTED_ORIGINS``
    Comma-separated origins (``https://dangjian.example.cn``) besides the site's
    own from which forms may be posted; empty by default. Every POST whose
    ``Origin`` (or ``Referer``) names another site is refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

ENVIRONMENTS = ("production", "development", "testing")
DEFAULT_DATABASE_URL = "sqlite:///quizapp.sqlite"
DEVELOPMENT_TRUSTED_PROXIES = "127.0.0.1,::1"


class ConfigError(RuntimeError):
    """The configuration is unusable; the message says how to fix it."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    value = (environ.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number above 0, not {value!r}.")
    return int(value)


def normalize_database_url(url: str) -> str:
    """Use the installed psycopg 3 driver for bare PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def public_url(value: str | None) -> str:
    """``QUIZAPP_PUBLIC_URL`` without its trailing slash ("" when unset); an address that is not
    http(s)://host[:port][/path] is refused at start-up with how to write it."""
    text = (value or "").strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"QUIZAPP_PUBLIC_URL={text!r} is not an address members can open: write it as "
            "https://dangjian.example.cn (scheme and host, with a port or path prefix if any)."
        )
    return text


def load_config(environ: Mapping[str, str]) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    env = environ.get("QUIZAPP_ENV", "production").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(
            f"QUIZAPP_ENV={env!r} is not one of {', '.join(ENVIRONMENTS)}."
        )
    production = env == "production"
    secure_cookies = _flag(environ.get("QUIZAPP_SECURE_COOKIES"), production)
    proxies = environ.get("QUIZAPP_TRUSTED_PROXIES")
    if proxies is None and (environ.get("QUIZAPP_PROXY_COUNT") or "0").strip() != "0":
        raise ConfigError(
            "QUIZAPP_PROXY_COUNT is no longer read: it trusted X-Forwarded-For from any peer. "
            "List the proxies' addresses in QUIZAPP_TRUSTED_PROXIES instead (127.0.0.1 for "
            "nginx on the same host, else nginx's internal address) and remove QUIZAPP_PROXY_COUNT."
        )
    if proxies is None:
        proxies = DEVELOPMENT_TRUSTED_PROXIES if env == "development" else ""
    return {
        "QUIZAPP_ENV": env,
        "TESTING": env == "testing",
        "SECRET_KEY": environ.get("QUIZAPP_SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(
            environ.get("QUIZAPP_DATABASE_URL") or DEFAULT_DATABASE_URL
        ),
        # No pre-ping: it cost a round trip on every request. A connection that died with the
        # server fails its request (the 503 asking to retry) and makes the pool drop every
        # connection older than it, so the next request connects afresh.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        "TRUSTED_PROXIES": _items(proxies),
        "CONTEST_REDIS_URL": (environ.get("QUIZAPP_CONTEST_REDIS_URL") or "").strip() or None,
        "TRUSTED_ORIGINS": _items(environ.get("QUIZAPP_TRUSTED_ORIGINS", "")),
        "PUBLIC_URL": public_url(environ.get("QUIZAPP_PUBLIC_URL")),
        # Login throttling (quizapp.auth.throttle, kept in the database): failed logins allowed
        # per account and per address, the last one starting a wait of the window, each further
        # failure doubling it up to LOGIN_THROTTLE_MAX_WAIT. Offices often share one public
        # address, so the per-address limit is generous and forgotten after its window of quiet;
        # an account's failures are kept for LOGIN_THROTTLE_ACCOUNT_MEMORY after its wait ends.
        # A device that has logged in to the account before is counted on its own.
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per 1 minute",
        "LOGIN_LIMIT_PER_ADDRESS": "100 per 15 minutes",
        "LOGIN_THROTTLE_MAX_WAIT": timedelta(hours=24),
        "LOGIN_THROTTLE_ACCOUNT_MEMORY": timedelta(hours=24),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        # A login without 记住我 (quizapp.auth.session): idle timeout, longest life, and how
        # often a request may move its expiry (a write of its row).
        "LOGIN_IDLE_TIMEOUT": timedelta(
            minutes=_positive(environ, "QUIZAPP_LOGIN_IDLE_MINUTES", 120)),
        "LOGIN_MAX_AGE": timedelta(hours=_positive(environ, "QUIZAPP_LOGIN_MAX_HOURS", 24)),
        "LOGIN_SLIDE_INTERVAL": timedelta(minutes=5),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
    }


def finalize_config(config: dict[str, Any]) -> None:
    """Check the merged config and fill in the development secret key.

    Raises ConfigError in production when no secret key is configured: a
    guessable fallback key would let anyone forge a login session.
    """
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(
        config["SQLALCHEMY_DATABASE_URI"]
    )
    if config.get("SECRET_KEY"):
        return
    if config.get("TESTING") or config.get("QUIZAPP_ENV") in {"development", "testing"}:
        config["SECRET_KEY"] = secrets.token_hex(32)
        return
    raise ConfigError(
        "QUIZAPP_SECRET_KEY is not set. Refusing to start in production without "
        "a secret key. Generate one with "
        "`python -c 'import secrets; print(secrets.token_hex(32))'` and export "
        "QUIZAPP_SECRET_KEY, or set QUIZAPP_ENV=development on your own machine."
    )
