"""Configuration from the environment and the refusal to run without a secret."""

from __future__ import annotations

import pytest

from quizapp import create_app
from quizapp.config import DEFAULT_DATABASE_URL, ConfigError, load_config


@pytest.fixture
def clean_env(monkeypatch):
    for key in ("QUIZAPP_ENV", "QUIZAPP_SECRET_KEY", "QUIZAPP_DATABASE_URL",
                "QUIZAPP_RATELIMIT_STORAGE_URI", "QUIZAPP_SECURE_COOKIES",
                "QUIZAPP_PROXY_COUNT"):
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
        "QUIZAPP_PROXY_COUNT": "1",
    })
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/quiz"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["PROXY_COUNT"] == 1


def test_defaults_are_a_sqlite_file_in_the_instance_folder_and_memory_limits():
    config = load_config({})
    assert config["SQLALCHEMY_DATABASE_URI"] == DEFAULT_DATABASE_URL == "sqlite:///quizapp.sqlite"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["QUIZAPP_ENV"] == "production"


def test_create_app_has_no_side_effects(clean_env, tmp_path):
    clean_env.setenv("QUIZAPP_ENV", "development")
    database = tmp_path / "never-created.sqlite"
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    assert not database.exists()


def test_proxy_fix_trusts_the_configured_number_of_proxies(make_app):
    app = make_app(PROXY_COUNT=1)

    @app.route("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr or ""

    response = app.test_client().get(
        "/whoami", headers={"X-Forwarded-For": "203.0.113.7"}
    )
    assert response.get_data(as_text=True) == "203.0.113.7"
