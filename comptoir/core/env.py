"""Strict reading of the environment variables of ``comptoir/settings.py``.

A value that is not understood stops the start-up with ``ImproperlyConfigured`` naming the
variable and the accepted values: ``HTTPS=ture`` must not quietly mean « no HTTPS ». An unset or
empty variable means its default. Only the standard library and Django's exception are used, so
the settings module can import this before Django is set up.
"""

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = ("true", "1", "yes", "on")
FALSE_VALUES = ("false", "0", "no", "off")

# Keys that must never sign anything in production: the constant the demo used to fall back to,
# and Django's generated development keys.
INSECURE_SECRET_KEYS = ("comptoir-demo-key-change-me-in-production",)
INSECURE_SECRET_KEY_PREFIX = "django-insecure"
GENERATE_KEY_COMMAND = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in TRUE_VALUES:
        return True
    if value.lower() in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of {', '.join(TRUE_VALUES + FALSE_VALUES)}."
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    bounds = _bounds(minimum, maximum)
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number{bounds}.") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name}={value!r} is out of range: use a whole number{bounds}.")
    return number


def _bounds(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    if maximum is not None:
        return f" of at most {maximum}"
    return ""


def env_choice(
    name: str, default: str, choices: tuple[str, ...], *, case_sensitive: bool = False,
    environ: Mapping[str, str] | None = None,
) -> str:
    value = _raw(name, environ)
    if value is None:
        return default
    for choice in choices:
        if value == choice or (not case_sensitive and value.lower() == choice.lower()):
            return choice
    raise ImproperlyConfigured(f"{name}={value!r} is not valid: use one of {', '.join(choices)}.")


def env_list(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; blanks around items and empty items are dropped."""
    value = _raw(name, environ)
    return [item.strip() for item in (default if value is None else value).split(",") if item.strip()]


def secret_key(
    *, debug: bool, default_file: Path, development_key: str, environ: Mapping[str, str] | None = None,
) -> str:
    """``SECRET_KEY``, else the content of the file ``SECRET_KEY_FILE`` (default ``default_file``
    when it exists). With DEBUG on and neither, ``development_key``; with DEBUG off, an empty,
    missing or publicly known key stops the start-up."""
    key = _raw("SECRET_KEY", environ)
    source = "SECRET_KEY"
    if key is None:
        file_name = _raw("SECRET_KEY_FILE", environ)
        path = Path(file_name) if file_name else default_file
        if file_name or path.exists():
            source = f"SECRET_KEY_FILE ({path})"
            try:
                key = path.read_text(encoding="utf-8").strip() or None
            except OSError as error:
                raise ImproperlyConfigured(
                    f"SECRET_KEY_FILE: cannot read {path} ({error.strerror})."
                ) from None
    if key is None:
        if debug:
            return development_key
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off, Comptoir needs a secret key of its own: set "
            "SECRET_KEY, or SECRET_KEY_FILE to a file that contains it. Generate one with: "
            f"{GENERATE_KEY_COMMAND}"
        )
    if not debug and (key in INSECURE_SECRET_KEYS or key.startswith(INSECURE_SECRET_KEY_PREFIX)):
        raise ImproperlyConfigured(
            f"{source} is a publicly known development key: it must not be used with DEBUG off. "
            f"Generate one with: {GENERATE_KEY_COMMAND}"
        )
    return key
