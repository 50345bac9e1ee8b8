"""Security headers on every response, and templates that a strict CSP can serve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizapp.security import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parents[2] / "quizapp" / "templates"

# A <script> element with a body (every script must be a static file with src=).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
# onclick=, onload=, ... inside a tag (not words such as "concept=" in Jinja code).
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
JAVASCRIPT_URL = re.compile(r"javascript\s*:", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)


def directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def test_the_policy_allows_no_inline_script():
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert not any("unsafe-eval" in value or "*" in value for value in policy.values())
    assert all("unsafe-inline" not in value for name, value in policy.items() if name != "style-src")


@pytest.mark.parametrize("path", ["/auth/login", "/", "/no-such-page", "/static/css/app.css",
                                  "/quiz/attempts/1/state"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file's handle
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_error_and_json_responses_carry_them_too(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/quiz/attempts/1/answers", json={})
    assert refused.status_code == 400
    assert refused.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert refused.headers["X-Frame-Options"] == "DENY"


def template_files() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 20
    return files


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL, STYLE_ATTRIBUTE],
                         ids=["inline-script", "event-handler", "javascript-url", "style-attribute"])
def test_no_template_needs_inline_code(pattern):
    offenders = [f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}"
                 for path in template_files()
                 for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize(("snippet", "pattern"), [
    ("<script>alert(1)</script>", INLINE_SCRIPT),
    ('<script type="module">x()</script>', INLINE_SCRIPT),
    ('<button class="b"\n  onclick="go()">', EVENT_HANDLER),
    ('<a href="JavaScript:go()">', JAVASCRIPT_URL),
    ('<p class="x" style="color:red">', STYLE_ATTRIBUTE),
])
def test_the_scan_catches_each_kind(snippet, pattern):
    assert pattern.search(snippet)


@pytest.mark.parametrize(("snippet", "pattern"), [
    ('<script src="/static/js/quiz.js" defer></script>', INLINE_SCRIPT),
    ("{% macro card(q, next_url, show_actions=True) %}", EVENT_HANDLER),
    ('<a href="{{ url_for(\'organize.bank\', concept=q.concept) }}">', EVENT_HANDLER),
])
def test_the_scan_lets_ordinary_markup_pass(snippet, pattern):
    assert not pattern.search(snippet)
