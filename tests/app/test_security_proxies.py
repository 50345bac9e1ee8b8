"""X-Forwarded-* is believed only from a trusted proxy (issue 19, finding 4).

A guesser who reaches an app node directly sent a new ``X-Forwarded-For`` with every wrong
password and was never limited; through nginx the limit held. The login limits here are lowered
to a few attempts so that the tests stay quick; the peer is set with ``environ_base``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from ipaddress import ip_network
from typing import Any

import pytest
from flask import Flask, request

from quizapp.config import ConfigError, load_config
from quizapp.extensions import db
from quizapp.proxies import TrustedProxies, parse_networks

NGINX = "127.0.0.1"
STRANGER = "198.51.100.7"  # reaches the node directly
LIMIT = 5


@pytest.fixture
def another_app(make_app: Any, app: Flask) -> Iterator[Callable[..., Flask]]:
    """``another_app(**config)``: one more app on the test database (``app`` made its tables),
    its connections closed at the end."""
    built: list[Flask] = []

    def make(**config: Any) -> Flask:
        built.append(make_app(**config))
        return built[-1]

    yield make
    for each in built:
        with each.app_context():
            db.engine.dispose()


@pytest.fixture
def proxied_app(another_app: Callable[..., Flask]) -> Flask:
    """An app that trusts nginx on this host, as deployed, with a low per-address limit."""
    built = another_app(TRUSTED_PROXIES=[NGINX],
                        LOGIN_LIMIT_PER_ADDRESS=f"{LIMIT} per 15 minutes")

    @built.route("/whoami")
    def whoami() -> str:
        return f"{request.remote_addr} {request.scheme} {request.host}"

    return built


def _wrong_login(app: Flask, n: int, peer: str, forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return app.test_client().post(
        "/auth/login", data={"account": f"1370000{n:04d}", "password": "wrong"},
        headers=headers, environ_base={"REMOTE_ADDR": peer}).status_code


def _whoami(app: Flask, peer: str, **headers: str) -> str:
    return app.test_client().get("/whoami", headers=headers,
                                 environ_base={"REMOTE_ADDR": peer}).get_data(as_text=True)


def test_a_spoofed_header_from_a_direct_peer_does_not_escape_the_address_limit(proxied_app):
    codes = [_wrong_login(proxied_app, n, STRANGER, f"203.0.113.{n}") for n in range(LIMIT + 3)]
    assert codes == [200] * LIMIT + [429] * 3  # counted against the peer, whatever it claims
    # nor can a spoofed header charge someone else's address: the one it names is untouched
    assert _wrong_login(proxied_app, 99, NGINX, "203.0.113.1") == 200


def test_nginx_s_header_is_honoured(proxied_app):
    # Through nginx every phone has its own count: more phones than the limit all get in.
    codes = [_wrong_login(proxied_app, n, NGINX, f"203.0.113.{n}") for n in range(LIMIT + 3)]
    assert codes == [200] * (LIMIT + 3)
    # One phone behind nginx is limited, even when it prepends addresses of its own.
    same = [_wrong_login(proxied_app, n, NGINX, f"10.9.9.{n}, 203.0.113.200")
            for n in range(LIMIT + 1)]
    assert same == [200] * LIMIT + [429]


def test_the_client_is_the_right_most_untrusted_address(proxied_app):
    assert _whoami(proxied_app, NGINX, **{"X-Forwarded-For": "1.1.1.1, 203.0.113.9"}).split()[0] \
        == "203.0.113.9"
    assert _whoami(proxied_app, STRANGER, **{"X-Forwarded-For": "203.0.113.9"}).split()[0] \
        == STRANGER


def test_a_chain_through_two_trusted_proxies():
    middleware = TrustedProxies(None, parse_networks("10.0.0.0/24, 127.0.0.1"))
    assert middleware.client_address("6.6.6.6, 203.0.113.5, 10.0.0.7") == "203.0.113.5"
    assert middleware.client_address("10.0.0.8, 10.0.0.7") == "10.0.0.8"  # every hop trusted
    assert middleware.client_address("::ffff:203.0.113.5") == "203.0.113.5"


@pytest.mark.parametrize("header", [
    "not-an-address", "203.0.113.5, junk", "203.0.113.5:4431", "", " , ", "203.0.113.5,,",
    "[2001:db8::1]", "unknown", "203.0.113.5\x00",
])
def test_a_malformed_chain_is_ignored(proxied_app, header):
    assert _whoami(proxied_app, NGINX, **{"X-Forwarded-For": header}).split()[0] == NGINX


def test_malformed_headers_do_not_help_a_guesser(proxied_app):
    codes = [_wrong_login(proxied_app, n, NGINX, f"junk-{n}") for n in range(LIMIT + 1)]
    assert codes == [200] * LIMIT + [429]  # all counted against nginx's own address


def test_scheme_and_host_only_from_a_trusted_proxy(proxied_app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "dj.example.cn"}
    assert _whoami(proxied_app, NGINX, **forwarded).split()[1:] == ["https", "dj.example.cn"]
    assert _whoami(proxied_app, STRANGER, **forwarded).split()[1:] == ["http", "localhost"]
    odd = {"X-Forwarded-Proto": "gopher", "X-Forwarded-Host": "evil.example/<x>"}
    assert _whoami(proxied_app, NGINX, **odd).split()[1:] == ["http", "localhost"]


def test_without_trusted_proxies_every_header_is_dropped(another_app):
    bare = another_app()

    @bare.route("/headers")
    def headers() -> str:
        return repr([name for name in request.headers.keys() if name.startswith("X-Forwarded")])

    reply = bare.test_client().get("/headers", headers={"X-Forwarded-For": "203.0.113.9",
                                                         "X-Forwarded-Proto": "https"})
    assert reply.get_data(as_text=True) == "[]"


# --- Configuration ---

def test_trusted_proxies_come_from_the_environment():
    config = load_config({"QUIZAPP_TRUSTED_PROXIES": "10.0.0.5, 10.0.1.0/24 ,"})
    assert config["TRUSTED_PROXIES"] == ["10.0.0.5", "10.0.1.0/24"]
    assert parse_networks(config["TRUSTED_PROXIES"]) == (ip_network("10.0.0.5/32"),
                                                         ip_network("10.0.1.0/24"))


def test_by_default_production_trusts_no_proxy_and_development_the_loopback():
    assert load_config({})["TRUSTED_PROXIES"] == []
    assert load_config({"QUIZAPP_ENV": "testing"})["TRUSTED_PROXIES"] == []
    assert load_config({"QUIZAPP_ENV": "development"})["TRUSTED_PROXIES"] == ["127.0.0.1", "::1"]
    assert load_config({"QUIZAPP_ENV": "development",
                        "QUIZAPP_TRUSTED_PROXIES": ""})["TRUSTED_PROXIES"] == []


def test_a_bad_proxy_address_refuses_to_start(make_app):
    with pytest.raises(ConfigError, match="'nginx' is not an IP address"):
        make_app(TRUSTED_PROXIES=["nginx"])


def test_the_old_proxy_count_alone_refuses_to_start():
    with pytest.raises(ConfigError, match="QUIZAPP_TRUSTED_PROXIES"):
        load_config({"QUIZAPP_PROXY_COUNT": "1"})
    assert load_config({"QUIZAPP_PROXY_COUNT": "0"})["TRUSTED_PROXIES"] == []
    assert load_config({"QUIZAPP_PROXY_COUNT": "1",
                        "QUIZAPP_TRUSTED_PROXIES": "127.0.0.1"})["TRUSTED_PROXIES"] == ["127.0.0.1"]
