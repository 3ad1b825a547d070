"""The production settings, as the production guide sets them, in a fresh process: ``check
--deploy`` is silent, and a missing secret key or a mistyped value stops ``manage.py``."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3]

# Every variable the settings read: the developer's own values must not leak into these runs.
SETTINGS_VARIABLES = (
    "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL",
    "DATABASE_URL", "CONN_MAX_AGE", "COMPTOIR_VAR_DIR", "MEDIA_ROOT", "MEDIA_URL", "SERVE_MEDIA",
    "EMAIL_URL", "DEFAULT_FROM_EMAIL", "EMAIL_TIMEOUT", "TASKS_BACKEND", "HTTPS", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "TRUSTED_PROXY_COUNT", "LOG_LEVEL",
    "PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_MODE", "PAYPAL_WEBHOOK_ID", "PAYPAL_API_BASE",
    "SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM_NUMBER", "SMS_API_BASE",
)


def production_environment(var_dir: Path, **changes) -> dict:
    """The environment of docs/DEPLOY.md: one shop behind an HTTPS proxy on PostgreSQL."""
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses)
    env = {name: value for name, value in os.environ.items()
           if name not in SETTINGS_VARIABLES and name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "comptoir.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "boutique.example.test",
        "SITE_URL": "https://boutique.example.test",
        "HTTPS": "true",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": "postgres://comptoir:secret@127.0.0.1:5432/comptoir",
        "EMAIL_URL": "smtp+tls://boutique%40example.test:secret@smtp.example.test:587",
        "DEFAULT_FROM_EMAIL": "Boutique <boutique@example.test>",
        "COMPTOIR_VAR_DIR": str(var_dir),
    })
    env.update(changes)
    return {name: value for name, value in env.items() if value is not None}


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT_DIR / "manage.py"), *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_silent_under_the_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=production_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


@pytest.mark.parametrize("key", [None, "", "comptoir-demo-key-change-me-in-production"])
def test_with_debug_off_and_no_secret_key_manage_py_refuses_to_start(tmp_path, key):
    result = manage("check", env=production_environment(tmp_path, SECRET_KEY=key))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # how to make one
    assert "Traceback" not in result.stderr


def test_the_demo_key_file_is_read(tmp_path):
    (tmp_path / "secret_key").write_text(secrets.token_urlsafe(50) + "\n")
    result = manage("check", env=production_environment(tmp_path, SECRET_KEY=None))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("name", "value"), [("HTTPS", "ture"), ("DEBUG", "maybe"), ("CONN_MAX_AGE", "1m"),
                                             ("TRUSTED_PROXY_COUNT", "-1"), ("EMAIL_TIMEOUT", "ten")])
def test_a_mistyped_value_stops_manage_py_and_names_the_variable(tmp_path, name, value):
    result = manage("check", env=production_environment(tmp_path, **{name: value}))
    assert result.returncode != 0
    assert f"Configuration error: {name}={value!r}" in result.stderr
