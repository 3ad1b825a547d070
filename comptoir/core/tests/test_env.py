"""Strict reading of the environment (comptoir/core/env.py): a value that is not understood stops
the start-up with a message naming the variable, instead of meaning something else quietly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from comptoir.core.env import env_bool, env_choice, env_int, env_list, env_str, secret_key


@pytest.mark.parametrize("value", ["true", "True", "1", "yes", "on", " ON "])
def test_yes_values(value):
    assert env_bool("HTTPS", False, environ={"HTTPS": value}) is True


@pytest.mark.parametrize("value", ["false", "0", "no", "off", "Off"])
def test_no_values(value):
    assert env_bool("HTTPS", True, environ={"HTTPS": value}) is False


@pytest.mark.parametrize("environ", [{}, {"HTTPS": ""}, {"HTTPS": "  "}])
def test_unset_or_empty_means_the_default(environ):
    assert env_bool("HTTPS", True, environ=environ) is True
    assert env_bool("HTTPS", False, environ=environ) is False


@pytest.mark.parametrize("value", ["ture", "y", "2", "enabled", "vrai"])
def test_a_typo_in_a_yes_no_value_is_an_error_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured) as error:
        env_bool("HTTPS", False, environ={"HTTPS": value})
    message = str(error.value)
    assert message.startswith(f"HTTPS={value!r}")
    assert "true" in message and "false" in message


def test_whole_numbers():
    assert env_int("CONN_MAX_AGE", 60, minimum=0, environ={}) == 60
    assert env_int("CONN_MAX_AGE", 60, minimum=0, environ={"CONN_MAX_AGE": " 0 "}) == 0
    assert env_int("EMAIL_TIMEOUT", 10, minimum=1, environ={"EMAIL_TIMEOUT": "600"}) == 600


@pytest.mark.parametrize("value", ["ten", "1.5", "60s", "0x10"])
def test_a_number_that_is_not_a_whole_number_is_an_error(value):
    with pytest.raises(ImproperlyConfigured, match=r"^TRUSTED_PROXY_COUNT=.* is not a whole number"):
        env_int("TRUSTED_PROXY_COUNT", 0, minimum=0,
                environ={"TRUSTED_PROXY_COUNT": value})


def test_a_number_out_of_range_is_an_error_that_gives_the_range():
    with pytest.raises(ImproperlyConfigured, match=r"^TRUSTED_PROXY_COUNT='-1' is out of range.*least 0"):
        env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, environ={"TRUSTED_PROXY_COUNT": "-1"})
    with pytest.raises(ImproperlyConfigured, match=r"from 1 to 5"):
        env_int("X", 1, minimum=1, maximum=5, environ={"X": "6"})


def test_choices():
    assert env_choice("PAYPAL_MODE", "sandbox", ("sandbox", "live"), environ={}) == "sandbox"
    live = env_choice("PAYPAL_MODE", "sandbox", ("sandbox", "live"), environ={"PAYPAL_MODE": "LIVE"})
    assert live == "live"
    with pytest.raises(ImproperlyConfigured, match=r"^PAYPAL_MODE='prod' is not valid: use one of sandbox"):
        env_choice("PAYPAL_MODE", "sandbox", ("sandbox", "live"), environ={"PAYPAL_MODE": "prod"})


def test_lists_and_strings():
    assert env_list("ALLOWED_HOSTS", "127.0.0.1,localhost", environ={}) == ["127.0.0.1", "localhost"]
    hosts = env_list("ALLOWED_HOSTS", "x", environ={"ALLOWED_HOSTS": " a.test, ,b.test ,"})
    assert hosts == ["a.test", "b.test"]
    assert env_str("SITE_URL", "http://127.0.0.1:8000", environ={"SITE_URL": ""}) == "http://127.0.0.1:8000"


# --- The secret key --------------------------------------------------------------------------

DEV_KEY = "django-insecure-comptoir-development-only"


def test_the_secret_key_comes_from_the_environment(tmp_path):
    assert secret_key(debug=False, default_file=tmp_path / "none", development_key=DEV_KEY,
                      environ={"SECRET_KEY": "k" * 60}) == "k" * 60


def test_or_from_the_secret_key_file(tmp_path):
    path = tmp_path / "key"
    path.write_text("from-a-file-" + "x" * 50 + "\n")
    assert secret_key(debug=False, default_file=tmp_path / "none", development_key=DEV_KEY,
                      environ={"SECRET_KEY_FILE": str(path)}) == "from-a-file-" + "x" * 50


def test_or_from_the_default_file_when_it_exists(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("from-var-" + "y" * 50)
    key = secret_key(debug=False, default_file=path, development_key=DEV_KEY, environ={})
    assert key == "from-var-" + "y" * 50


def test_with_debug_on_and_no_key_the_development_key(tmp_path):
    key = secret_key(debug=True, default_file=tmp_path / "none", development_key=DEV_KEY, environ={})
    assert key == DEV_KEY


@pytest.mark.parametrize("environ", [{}, {"SECRET_KEY": ""}, {"SECRET_KEY": "   "}])
def test_with_debug_off_no_key_stops_the_start_up_and_says_how_to_make_one(tmp_path, environ):
    with pytest.raises(ImproperlyConfigured) as error:
        secret_key(debug=False, default_file=tmp_path / "none", development_key=DEV_KEY, environ=environ)
    assert "SECRET_KEY is not set" in str(error.value)
    assert "secrets.token_urlsafe(50)" in str(error.value)


@pytest.mark.parametrize("key", ["comptoir-demo-key-change-me-in-production", DEV_KEY,
                                 "django-insecure-abc"])
def test_with_debug_off_a_publicly_known_key_stops_the_start_up(tmp_path, key):
    with pytest.raises(ImproperlyConfigured, match="publicly known development key"):
        secret_key(debug=False, default_file=tmp_path / "none", development_key=DEV_KEY,
                   environ={"SECRET_KEY": key})


def test_an_empty_or_missing_key_file_stops_the_start_up(tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        secret_key(debug=False, default_file=tmp_path / "none", development_key=DEV_KEY,
                   environ={"SECRET_KEY_FILE": str(empty)})
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE: cannot read"):
        secret_key(debug=False, default_file=tmp_path / "none", development_key=DEV_KEY,
                   environ={"SECRET_KEY_FILE": str(tmp_path / "missing")})
