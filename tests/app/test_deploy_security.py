"""The deployment files keep the app's port for nginx and the security headers on every reply
(issue 19, findings 4 and 9). ``tests/app/test_config.py`` checks that the nginx site parses;
``bench/faults/proxy_trust.py`` runs it in front of gunicorn and fetches through it."""

from __future__ import annotations

import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

from quizapp.config import load_config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
HEADERS_SNIPPET = "/etc/nginx/snippets/quizapp-headers.conf"
_TOKEN = re.compile(r'#[^\n]*|"[^"]*"|[{};]|[^\s{};"#]+')


def _blocks(text: str) -> list[tuple[list[str], list]]:
    """nginx directives as (words, children): children is a list for a block, else None."""
    stack: list[list] = [[]]
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token.startswith("#"):
            continue
        if token == ";":
            stack[-1].append((words, None))
            words = []
        elif token == "{":
            children: list = []
            stack[-1].append((words, children))
            stack.append(children)
            words = []
        elif token == "}":
            stack.pop()
        else:
            words.append(token.strip('"'))
    return stack[0]


def _walk(blocks: list, found: list) -> list:
    for words, children in blocks:
        if children is not None:
            found.append((words, children))
            _walk(children, found)
    return found


def _directives(children: list, name: str) -> list[list[str]]:
    return [words for words, inner in children if inner is None and words[0] == name]


def test_every_https_reply_of_nginx_keeps_the_security_headers():
    snippet = _blocks((DEPLOY / "nginx" / "quizapp-headers.conf").read_text(encoding="utf-8"))
    assert ["add_header", "Strict-Transport-Security", "max-age=31536000", "always"] in [
        words for words, _ in snippet]
    site = _blocks((DEPLOY / "nginx" / "quizapp.conf").read_text(encoding="utf-8"))
    blocks = _walk(site, [])
    https = [children for words, children in blocks if words == ["server"]
             and any("ssl" in listen for listen in _directives(children, "listen"))]
    assert https and all(["include", HEADERS_SNIPPET] in _directives(server, "include")
                         for server in https)
    # nginx drops the server's add_header lines where a location adds its own: such a location
    # includes the site's headers again.
    own_headers = [(words, children) for words, children in blocks
                   if words[0] == "location" and _directives(children, "add_header")]
    assert own_headers  # /static/
    for words, children in own_headers:
        assert ["include", HEADERS_SNIPPET] in _directives(children, "include"), words
    static = next(children for words, children in blocks if words == ["location", "/static/"])
    assert ["add_header", "X-Content-Type-Options", "nosniff", "always"] in _directives(
        static, "add_header")


def _gunicorn(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, object]:
    for key in ("QUIZAPP_BIND", "QUIZAPP_TRUSTED_PROXIES", "QUIZAPP_FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_listens_on_loopback_and_trusts_the_app_s_proxies(monkeypatch):
    settings = _gunicorn(monkeypatch)
    assert (settings["bind"], settings["forwarded_allow_ips"]) == ("127.0.0.1:8000", "127.0.0.1")
    node = _gunicorn(monkeypatch, QUIZAPP_BIND="10.0.0.11:8000",
                     QUIZAPP_TRUSTED_PROXIES="10.0.0.5, 10.0.1.0/24")
    assert node["forwarded_allow_ips"] == "10.0.0.5"  # gunicorn takes no networks
    assert _gunicorn(monkeypatch, QUIZAPP_TRUSTED_PROXIES="10.0.0.5",
                     QUIZAPP_FORWARDED_ALLOW_IPS="10.0.0.6")["forwarded_allow_ips"] == "10.0.0.6"


def test_the_example_environment_trusts_nginx_alone():
    lines = (DEPLOY / "quizapp.env.example").read_text(encoding="utf-8").splitlines()
    environ = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert "QUIZAPP_PROXY_COUNT" not in environ
    assert load_config(environ)["TRUSTED_PROXIES"] == ["127.0.0.1"]
    assert environ["QUIZAPP_BIND"].startswith("127.0.0.1:")


def test_the_firewall_example_parses():
    nft = shutil.which("nft") or ("/usr/sbin/nft" if Path("/usr/sbin/nft").exists() else None)
    if nft is None:
        pytest.skip("nft (nftables) is needed to check the firewall example")
    rules = DEPLOY / "nftables" / "quizapp-node.nft"
    result = subprocess.run([nft, "-c", "-f", str(rules)], capture_output=True, text=True)
    if result.returncode != 0 and "Operation not permitted" in result.stderr:
        pytest.skip("nft -c needs CAP_NET_ADMIN here")
    assert result.returncode == 0, result.stderr
    text = rules.read_text(encoding="utf-8")
    assert "tcp dport 8000 counter drop" in text and "ip saddr 10.0.0.5 tcp dport 8000 accept" in text
