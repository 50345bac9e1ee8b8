"""Configuration from the environment and the refusal to run without a secret."""

from __future__ import annotations

import runpy
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from quizapp import create_app
from quizapp.config import DEFAULT_DATABASE_URL, ConfigError, load_config
from quizapp.extensions import db
from tests.conftest import DEFAULT_PASSWORD


@pytest.fixture
def clean_env(monkeypatch):
    for key in ("QUIZAPP_ENV", "QUIZAPP_SECRET_KEY", "QUIZAPP_DATABASE_URL",
                "QUIZAPP_RATELIMIT_STORAGE_URI", "QUIZAPP_SECURE_COOKIES",
                "QUIZAPP_PROXY_COUNT", "QUIZAPP_TRUSTED_PROXIES"):
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


def test_production_without_secret_key_refuses_to_start(clean_env):
    with pytest.raises(ConfigError, match="QUIZAPP_SECRET_KEY is not set"):
        create_app()


def test_production_with_secret_key_starts_with_secure_cookies(clean_env):
    clean_env.setenv("QUIZAPP_SECRET_KEY", "k" * 64)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "k" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["BOOTSTRAP_SERVE_LOCAL"] is True


@pytest.mark.parametrize("env", ["development", "testing"])
def test_development_and_testing_get_a_random_key(clean_env, env):
    clean_env.setenv("QUIZAPP_ENV", env)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert first.config["SESSION_COOKIE_SECURE"] is False


def test_unknown_environment_is_refused(clean_env):
    clean_env.setenv("QUIZAPP_ENV", "staging")
    with pytest.raises(ConfigError, match="QUIZAPP_ENV"):
        create_app()


def test_settings_come_from_the_environment():
    config = load_config({
        "QUIZAPP_ENV": "production",
        "QUIZAPP_SECRET_KEY": "s",
        "QUIZAPP_DATABASE_URL": "postgresql://u@db:5432/quiz",
        "QUIZAPP_RATELIMIT_STORAGE_URI": "redis://cache:6379",
        "QUIZAPP_SECURE_COOKIES": "0",
        "QUIZAPP_TRUSTED_PROXIES": "127.0.0.1",
    })
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/quiz"
    assert not [key for key in config if key.startswith("RATELIMIT")]  # no longer read
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["TRUSTED_PROXIES"] == ["127.0.0.1"]


def test_defaults_are_a_sqlite_file_in_the_instance_folder():
    config = load_config({})
    assert config["SQLALCHEMY_DATABASE_URI"] == DEFAULT_DATABASE_URL == "sqlite:///quizapp.sqlite"
    assert config["QUIZAPP_ENV"] == "production"


def test_create_app_has_no_side_effects(clean_env, tmp_path):
    clean_env.setenv("QUIZAPP_ENV", "development")
    database = tmp_path / "never-created.sqlite"
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    assert not database.exists()


def test_the_trusted_proxy_names_the_client(make_app):
    app = make_app(TRUSTED_PROXIES=["127.0.0.1"])  # the test client's peer

    @app.route("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr or ""

    response = app.test_client().get(
        "/whoami", headers={"X-Forwarded-For": "203.0.113.7"}
    )
    assert response.get_data(as_text=True) == "203.0.113.7"


# --- Login throttling shared by workers and nodes ---

DEAD_REDIS_URI = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused
LOGIN_ACCOUNT = "13812340000"


def test_no_request_pays_a_rate_limit_check(app):
    """Issue 16: no route is rate-limited by Flask-Limiter any more (failed logins are counted
    in the database), so its check left every request's path."""
    assert "limiter" not in app.extensions
    hooks = [hook for hooks in app.before_request_funcs.values() for hook in hooks]
    assert not [hook for hook in hooks if "limit" in getattr(hook, "__module__", "")]


@pytest.fixture
def login_node(app, make_app, make_person):
    """``login_node(**config)`` builds one more app on the test database, as another gunicorn
    worker or node would be, whose login limit is 3 failures per account."""
    make_person(phone=LOGIN_ACCOUNT)
    nodes = []

    def node(**config):
        nodes.append(make_app(WTF_CSRF_ENABLED=False, LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes",
                              **config))
        return nodes[-1]

    yield node
    for each in nodes:
        with each.app_context():
            db.engine.dispose()


def _wrong_login(app):
    return app.test_client().post(
        "/auth/login", data={"account": LOGIN_ACCOUNT, "password": "wrong-password"}
    )


# Issue 16: failed logins are counted in the database (quizapp.auth.throttle), so every node
# shares them.

def test_two_nodes_share_one_login_throttle_in_the_database(login_node):
    first = login_node()
    assert [_wrong_login(first).status_code for _ in range(3)] == [200, 200, 200]
    second = login_node()  # another process
    refused = _wrong_login(second)
    assert refused.status_code == 429
    assert "尝试次数过多" in refused.get_data(as_text=True)


def test_an_old_setting_naming_a_dead_redis_changes_nothing(login_node, monkeypatch):
    """A deployment's environment may still name the limiter's Redis: it is not read."""
    monkeypatch.setenv("QUIZAPP_RATELIMIT_STORAGE_URI", DEAD_REDIS_URI)
    app = login_node()
    client = app.test_client()
    right = client.post("/auth/login", data={"account": LOGIN_ACCOUNT, "password": DEFAULT_PASSWORD})
    assert right.status_code == 302  # logged in, not a 500
    codes = [_wrong_login(app).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# --- The nginx site in deploy/ parses ---

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_nginx_site_parses(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    openssl = shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx and openssl are needed to check the site file")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=dangjian.example.cn", "-keyout", str(tmp_path / "site.key"),
         "-out", str(tmp_path / "site.pem")],
        check=True, capture_output=True,
    )
    snippet = tmp_path / "quizapp-proxy.conf"
    shutil.copy(DEPLOY / "nginx" / "quizapp-proxy.conf", snippet)
    headers = tmp_path / "quizapp-headers.conf"
    shutil.copy(DEPLOY / "nginx" / "quizapp-headers.conf", headers)
    site = (DEPLOY / "nginx" / "quizapp.conf").read_text(encoding="utf-8")
    for installed, here in {
        "/etc/nginx/snippets/quizapp-proxy.conf": snippet,
        "/etc/nginx/snippets/quizapp-headers.conf": headers,
        "/etc/nginx/tls/quizapp.fullchain.pem": tmp_path / "site.pem",
        "/etc/nginx/tls/quizapp.key": tmp_path / "site.key",
        "/var/log/nginx/": f"{tmp_path}/",
    }.items():
        assert installed in site
        site = site.replace(installed, str(here))
    (tmp_path / "quizapp.conf").write_text(site, encoding="utf-8")
    temp_paths = "\n".join(
        f"    {name}_temp_path {tmp_path}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{temp_paths}\n    include {tmp_path}/quizapp.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
         "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


# --- The gunicorn settings in deploy/ ---

def _gunicorn_settings(monkeypatch, **env: str) -> dict[str, object]:
    for key in ("QUIZAPP_WORKERS", "QUIZAPP_THREADS", "QUIZAPP_MAX_REQUESTS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_workers_are_not_restarted_by_request_count_unless_asked(monkeypatch):
    # Each restart of a threaded worker under load failed about five POSTs through nginx
    # (bench/faults/worker_restarts.py), so the default is never.
    settings = _gunicorn_settings(monkeypatch)
    assert (settings["worker_class"], settings["threads"]) == ("gthread", 8)
    assert (settings["max_requests"], settings["max_requests_jitter"]) == (0, 0)
    asked = _gunicorn_settings(monkeypatch, QUIZAPP_MAX_REQUESTS="20000", QUIZAPP_THREADS="1")
    assert (asked["worker_class"], asked["max_requests"], asked["max_requests_jitter"]) == (
        "sync", 20000, 2000)
