"""A guesser who changes X-Forwarded-For with every wrong password, through nginx and directly.

    .venv/bin/python bench/faults/proxy_trust.py [--attempts 120]

The production-like setup of deploy/ on this machine: gunicorn with deploy/gunicorn.conf.py
(2 workers x 8 threads) bound by ``QUIZAPP_BIND`` as deploy/ binds it (loopback), the app in
production mode trusting nginx's address alone (``QUIZAPP_TRUSTED_PROXIES=127.0.0.1``, as in
deploy/quizapp.env.example) and counting in Redis (every worker one count), and nginx with
deploy/nginx/quizapp.conf and its snippets, moved to loopback ports with a self-signed
certificate. The app's database is a SQLite file with no people: every guess is a wrong
password for an unknown account (a new one each time, so only the per-address limit, 100 in
15 minutes, can stop it), at the real Argon2 cost.

Printed: for each way in, the attempts that were answered before the first 429 (101 means the
100 failures of the limit were counted against the guesser's own address):
1. through nginx over HTTPS, from 127.x.y.z (a client address that is not nginx's);
2. directly to gunicorn's loopback port, from another 127.x.y.z: an untrusted peer, as a
   machine on the network would be if it could reach the port;
3. directly to a second gunicorn bound by mistake to 0.0.0.0 (``--exposed``), from this
   machine's network address: the review's setup, a node's port reached from the network;
4. the control: directly from 127.0.0.1, nginx's own address, which the app trusts: its header
   is believed, so no 429 comes; this is why nothing but nginx may reach the port.
Then whether gunicorn's port, bound as deployed, accepts a connection to this machine's network
address (it must be refused), and the security headers nginx sends with a static file and a page.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import socket
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load import common  # noqa: E402
from bench.load.client import csrf_token  # noqa: E402

DEPLOY = ROOT / "deploy"
SITE = "dangjian.example.cn"
REDIS_URI = "redis://127.0.0.1:6379/0"
NGINX_ADDRESS = "127.0.0.1"
WATCHED = ("Strict-Transport-Security", "X-Content-Type-Options", "Cache-Control")


class Browser:
    """One guesser's browser: its cookies, one server, one source address."""

    def __init__(self, host: str, port: int, source: str, *, tls: bool = False) -> None:
        self.host, self.port, self.source, self.tls = host, port, source, tls
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form: dict | None = None,
                headers: dict | None = None) -> http.client.HTTPResponse:
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                self.host, self.port, timeout=30, source_address=(self.source, 0), context=context)
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=30,
                                                    source_address=(self.source, 0))
        head = {"Host": SITE if self.tls else f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            head["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=head)
            reply = connection.getresponse()
            reply.body = reply.read()  # type: ignore[attr-defined]
        finally:
            connection.close()
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return reply


def guesses(browser: Browser, attempts: int, rng: random.Random, used: set[str]) -> list[int]:
    """Wrong passwords for new unknown accounts, each with a new X-Forwarded-For; the codes."""
    origin = ({"Origin": f"https://{SITE}", "Referer": f"https://{SITE}/auth/login"}
              if browser.tls else {})
    token = csrf_token(browser.request("GET", "/auth/login").body.decode())  # type: ignore[attr-defined]
    codes = []
    for attempt in range(attempts):
        phone = f"139{rng.randrange(10**8):08d}"
        spoofed = f"198.18.{attempt // 250}.{attempt % 250 + 1}"
        used.update({f"login-account:{phone}", spoofed})
        reply = browser.request("POST", "/auth/login", headers={"X-Forwarded-For": spoofed, **origin},
                                form={"csrf_token": token, "account": phone, "password": "guess-1234"})
        codes.append(reply.status)
    return codes


def network_address() -> str | None:
    """This machine's first non-loopback IPv4 address."""
    shown = subprocess.run(["ip", "-o", "-4", "addr", "show", "scope", "global"],
                           capture_output=True, text=True, check=False).stdout.split()
    return shown[shown.index("inet") + 1].split("/")[0] if "inet" in shown else None


def refused(address: str, port: int) -> str:
    try:
        with socket.create_connection((address, port), timeout=2):
            return "ACCEPTED"
    except ConnectionRefusedError:
        return "refused"
    except OSError as error:
        return type(error).__name__


@contextlib.contextmanager
def node(env: dict[str, str], bind: str) -> Iterator[int]:
    """gunicorn -c deploy/gunicorn.conf.py, bound by QUIZAPP_BIND as deploy/ binds it."""
    port = int(bind.rsplit(":", 1)[1])
    process = subprocess.Popen(
        [str(common.VENV_BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"),
         "--log-level", "warning", "--access-logfile", "/dev/null"],
        env={**env, "QUIZAPP_BIND": bind}, cwd=ROOT, start_new_session=True)
    try:
        common.wait_for_port(port, process)
        yield port
    finally:
        common.stop(process)


def site_config(prefix: Path, node_port: int, http_port: int, tls_port: int) -> str:
    """deploy/nginx/quizapp.conf with its nodes, ports, certificate, logs and static folder on
    this machine; every replaced text must be in the file (else the deploy file changed)."""
    site = (DEPLOY / "nginx" / "quizapp.conf").read_text(encoding="utf-8")
    for snippet in ("quizapp-proxy.conf", "quizapp-headers.conf"):
        (prefix / snippet).write_text((DEPLOY / "nginx" / snippet).read_text(encoding="utf-8"))
    for installed, here in {
        "10.0.0.11:8000": f"127.0.0.1:{node_port}", "10.0.0.12:8000": f"127.0.0.1:{node_port}",
        "listen [::]:80;\n": "", "listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{tls_port} ssl http2;",
        "/etc/nginx/snippets/": f"{prefix}/",
        "/etc/nginx/tls/quizapp.fullchain.pem": f"{prefix}/site.pem",
        "/etc/nginx/tls/quizapp.key": f"{prefix}/site.key", "/var/log/nginx/": f"{prefix}/",
        "/srv/quizapp/quizapp/static/": f"{ROOT}/quizapp/static/",
    }.items():
        assert installed in site, f"deploy/nginx/quizapp.conf no longer has {installed!r}"
        site = site.replace(installed, here)
    return site


@contextlib.contextmanager
def nginx(node_port: int) -> Iterator[int]:
    """nginx with the deploy site in front of the node; yields its HTTPS port."""
    with tempfile.TemporaryDirectory(prefix="bench-proxy-trust-") as folder:
        prefix = Path(folder)
        os.chmod(prefix, 0o755)  # nginx's workers run as another user
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", f"/CN={SITE}", "-keyout", str(prefix / "site.key"),
                        "-out", str(prefix / "site.pem")], check=True, capture_output=True)
        http_port, tls_port = common.free_port(), common.free_port()
        (prefix / "quizapp.conf").write_text(site_config(prefix, node_port, http_port, tls_port))
        temp_paths = "".join(f"    {name}_temp_path {prefix}/{name};\n"
                             for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (prefix / "nginx.conf").write_text(
            f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\nevents {{}}\n"
            f"http {{\n    include /etc/nginx/mime.types;\n{temp_paths}"
            f"    include {prefix}/quizapp.conf;\n}}\n")
        process = subprocess.Popen([common.NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"),
                                    "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                                   start_new_session=True)
        try:
            common.wait_for_port(tls_port, process)
            yield tls_port
        finally:
            common.stop(process)


def create_database(url: str) -> None:
    from quizapp import create_app
    from quizapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": common.SECRET_KEY})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def redis_client():  # noqa: ANN201 - the redis package's client, if Redis answers
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=0.5, socket_timeout=0.5)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 - no Redis: count in one worker's memory instead
        return None


def forget(client, used: set[str]) -> None:  # noqa: ANN001
    """Delete the limiter's counters of these addresses and accounts (a rerun starts afresh)."""
    if client is None:
        return
    for key in client.scan_iter("*LIMITER*", count=1000):
        text = key.decode(errors="replace")
        if any(f"/{item}/" in text for item in used):
            client.delete(key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=120)
    parser.add_argument("--no-exposed", dest="exposed", action="store_false",
                        help="skip the second gunicorn bound to 0.0.0.0")
    args = parser.parse_args(argv)
    rng = random.Random()
    lan = network_address()
    through_nginx, direct = (f"127.{rng.randrange(2, 250)}.{rng.randrange(250)}.{rng.randrange(1, 250)}"
                             for _ in range(2))
    used = {through_nginx, direct, NGINX_ADDRESS, *([lan] if lan else [])}
    store = redis_client()
    forget(store, used)
    with tempfile.TemporaryDirectory(prefix="bench-proxy-trust-db-") as folder:
        database = f"sqlite:///{folder}/quizapp.sqlite"
        create_database(database)
        env = common.app_env(database, QUIZAPP_TRUSTED_PROXIES=NGINX_ADDRESS, QUIZAPP_SECURE_COOKIES="1",
                             QUIZAPP_WORKERS="2" if store else "1", QUIZAPP_THREADS="8",
                             QUIZAPP_RATELIMIT_STORAGE_URI=REDIS_URI if store else "memory://")
        rows = []
        with node(env, f"127.0.0.1:{common.free_port()}") as port, nginx(port) as tls_port:
            common.note("through nginx ...")
            runs = [("through nginx (HTTPS)", through_nginx,
                     Browser("127.0.0.1", tls_port, through_nginx, tls=True))]
            runs.append(("directly, loopback-bound node", direct, Browser("127.0.0.1", port, direct)))
            runs.append(("directly from nginx's address (trusted)", NGINX_ADDRESS,
                         Browser("127.0.0.1", port, NGINX_ADDRESS)))
            results = [(label, source, guesses(browser, args.attempts, rng, used))
                       for label, source, browser in runs]
            reachable = {address: refused(address, port) for address in ([lan] if lan else [])}
            static = Browser("127.0.0.1", tls_port, through_nginx, tls=True).request(
                "GET", "/static/css/app.css")
            page = Browser("127.0.0.1", tls_port, through_nginx, tls=True).request("GET", "/auth/login")
        if args.exposed and lan:
            common.note("a node exposed on 0.0.0.0 ...")
            with node(env, f"0.0.0.0:{common.free_port()}") as exposed:
                results.insert(2, ("directly, node bound to 0.0.0.0 by mistake", lan,
                                   guesses(Browser(lan, exposed, lan), args.attempts, rng, used)))
    forget(store, used)
    for label, source, codes in results:
        first = codes.index(429) + 1 if 429 in codes else "none"
        rows.append([label, source, len(codes), first, codes.count(200), codes.count(429),
                     len(codes) - codes.count(200) - codes.count(429)])
    workers = "2 workers x 8 threads, counters in Redis" if store else "1 worker (no Redis)"
    print(f"Wrong passwords, each with a new X-Forwarded-For; per-address limit 100 in 15 minutes; "
          f"gunicorn -c deploy/gunicorn.conf.py ({workers}); QUIZAPP_TRUSTED_PROXIES={NGINX_ADDRESS}")
    print(common.table(rows, ["way in", "from", "attempts", "first 429 at", "200", "429", "other"]))
    for address, outcome in reachable.items():
        print(f"gunicorn bound as deployed (QUIZAPP_BIND=127.0.0.1:PORT), connecting to {address}:PORT: "
              f"{outcome}")
    for name, reply in (("static file /static/css/app.css", static), ("page /auth/login", page)):
        shown = "; ".join(f"{h}: {', '.join(reply.headers.get_all(h) or ['(none)'])}" for h in WATCHED)
        print(f"through nginx, {name} ({reply.status}): {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
