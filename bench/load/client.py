"""A small asyncio HTTP/1.1 client for the load scripts: one request per connection (gunicorn's
sync workers close every connection anyway), cookies kept per simulated phone, CSRF tokens
read from the pages. Only the standard library: the venv has no HTTP client package.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]*)"')
START_KEY_RE = re.compile(r'<input[^>]*name="start_key"[^>]*value="([^"]*)"')


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def csrf_token(page: str) -> str | None:
    """The CSRF token of the first form on the page."""
    tag = CSRF_RE.search(page)
    found = VALUE_RE.search(tag.group(0)) if tag else None
    return html.unescape(found.group(1)) if found else None


@dataclass
class Phone:
    """One member's browser: its cookies, against one server."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def request(self, method: str, path: str, *, form: dict | None = None,
                      body: bytes | None = None, headers: dict | None = None,
                      timeout: float = 60.0) -> Reply:
        """Send one request on a new connection; the reply's cookies are kept."""
        parts = urlsplit(self.base_url)
        head = {"Host": parts.netloc, "Connection": "close", "User-Agent": "quizapp-bench"}
        if self.cookies:
            head["Cookie"] = self.cookie_header
        if form is not None:
            body = urlencode(form).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            head["Content-Length"] = str(len(body))
        head.update(headers or {})
        raw = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items())
        started = time.perf_counter()
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 80), timeout)
        try:
            writer.write(raw.encode() + b"\r\n" + (body or b""))
            await writer.drain()
            status, reply_headers, data = await asyncio.wait_for(_read_reply(reader), timeout)
        finally:
            writer.close()
        reply = Reply(status, reply_headers, data, time.perf_counter() - started)
        self._keep_cookies(reply)
        return reply

    def _keep_cookies(self, reply: Reply) -> None:
        for name, value in reply.headers:
            if name.lower() != "set-cookie":
                continue
            pair, _, attributes = value.partition(";")
            key, _, content = pair.strip().partition("=")
            expired = "max-age=0" in attributes.lower() or "1970" in attributes
            if expired or not content:
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = content

    async def login(self, account: str, password: str) -> tuple[Reply, Reply]:
        """The login form as a browser fills it (remember me on: a phone stays logged in)."""
        page = await self.request("GET", "/auth/login")
        token = csrf_token(page.text)
        done = await self.request("POST", "/auth/login", form={
            "csrf_token": token or "", "account": account, "password": password, "remember": "y"})
        return page, done

    async def post_json(self, path: str, payload: dict, csrf: str) -> Reply:
        return await self.request("POST", path, body=json.dumps(payload).encode(), headers={
            "Content-Type": "application/json", "X-CSRFToken": csrf})


async def _read_reply(reader: asyncio.StreamReader) -> tuple[int, list[tuple[str, str]], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    length = next((int(v) for k, v in headers if k.lower() == "content-length"), None)
    chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)
    if length is not None:
        body = await reader.readexactly(length)
    elif chunked:
        body = await _read_chunked(reader)
    else:
        body = await reader.read()
    return status, headers, body


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
