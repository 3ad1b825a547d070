"""Limits on guessing passwords and on asking for password reset emails.

Every attempt that counts leaves one ``Attempt`` row; a limit is reached when its key has too
many rows in the window. The rows live in the database, so every web worker process sees the
same counts.

An attempt is recorded *before* the password is checked, then the recent rows are counted: of
any number of simultaneous attempts, only those whose own row is within the limit go on, so no
more than the limit are ever checked, without any lock held across the password check. A refused
attempt removes its rows again (it changes nothing); a successful login removes the account's
failures. For that bound, call these functions outside a transaction: each statement then
commits on its own and the other processes see it at once.
"""

import logging
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from comptoir.core.errors import DomainError

from .addresses import address_bucket
from .models import Attempt

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    kind: str
    max_attempts: int
    window: timedelta


# A customer who mistypes a few times is not bothered; a guesser gets 5 tries per account and
# 20 per address every 15 minutes, whichever login page they use.
ACCOUNT_LOGIN_LIMIT = Limit(Attempt.Kind.LOGIN_ACCOUNT, 5, timedelta(minutes=15))
ADDRESS_LOGIN_LIMIT = Limit(Attempt.Kind.LOGIN_ADDRESS, 20, timedelta(minutes=15))
ADDRESS_PASSWORD_RESET_LIMIT = Limit(Attempt.Kind.PASSWORD_RESET_ADDRESS, 5, timedelta(minutes=15))


class TooManyAttempts(DomainError):
    """A limit is reached; ``retry_after`` is the time until the next attempt is allowed."""

    def __init__(self, message, *, retry_after: timedelta):
        super().__init__(message, code="too_many_attempts")
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginAttempt:
    account_key: str
    row_ids: tuple[int, ...]


def begin_login_attempt(username: str, *, client_address: str, now: datetime | None = None) -> LoginAttempt:
    """Record a login attempt as a failure for the account and for the address, before the
    password is checked; raise ``TooManyAttempts`` if either is over its limit.

    The account is the username as typed (normalized): the same rule and message whether an
    account of that name exists or not.
    """
    account_key = _key(normalize_username(username))
    try:
        row_ids = _reserve(
            [(ACCOUNT_LOGIN_LIMIT, account_key), (ADDRESS_LOGIN_LIMIT, _key(address_bucket(client_address)))],
            now=now or timezone.now(),
        )
    except _LimitReached as reached:
        minutes = _whole_minutes(reached.retry_after)
        message = ngettext(
            "Too many login attempts. Try again in %(minutes)s minute.",
            "Too many login attempts. Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        raise TooManyAttempts(message, retry_after=reached.retry_after) from None
    return LoginAttempt(account_key=account_key, row_ids=row_ids)


def login_succeeded(attempt: LoginAttempt) -> None:
    """The password was right: the account's failures are forgotten, and this attempt does
    not count for the address either."""
    _delete(Q(kind=Attempt.Kind.LOGIN_ACCOUNT, key=attempt.account_key) | Q(pk__in=attempt.row_ids))


def login_not_checked(attempt: LoginAttempt) -> None:
    """The form stopped before any password was checked (a missing field, or an account that
    may not use this login): the attempt does not count."""
    _delete(Q(pk__in=attempt.row_ids))


def record_password_reset_request(client_address: str, *, now: datetime | None = None) -> None:
    """Count one password reset request from ``client_address``; raise ``TooManyAttempts``
    beyond the limit (the refused request is not counted)."""
    try:
        _reserve([(ADDRESS_PASSWORD_RESET_LIMIT, _key(address_bucket(client_address)))],
                 now=now or timezone.now())
    except _LimitReached as reached:
        minutes = _whole_minutes(reached.retry_after)
        message = ngettext(
            "Too many requests for a new password from your connection. "
            "Try again in %(minutes)s minute.",
            "Too many requests for a new password from your connection. "
            "Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        raise TooManyAttempts(message, retry_after=reached.retry_after) from None


def normalize_username(username: str) -> str:
    """One spelling per account: case and Unicode variants of a username count together."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


# --- Counting ------------------------------------------------------------------------------------


class _LimitReached(Exception):
    def __init__(self, retry_after: timedelta):
        self.retry_after = retry_after


def _reserve(keyed_limits: list[tuple[Limit, str]], *, now: datetime) -> tuple[int, ...]:
    """Insert one row per (limit, key), then count; over a limit, remove them and refuse."""
    _delete(Q(*[Q(kind=limit.kind, created_at__lte=now - limit.window) for limit, _key in keyed_limits],
              _connector=Q.OR))
    rows = Attempt.objects.bulk_create(
        [Attempt(kind=limit.kind, key=key, created_at=now) for limit, key in keyed_limits]
    )
    row_ids = tuple(row.pk for row in rows)
    for limit, key in keyed_limits:
        times = list(
            Attempt.objects.filter(kind=limit.kind, key=key, created_at__gt=now - limit.window)
            .order_by("created_at").values_list("created_at", flat=True)
        )
        if len(times) > limit.max_attempts:
            _delete(Q(pk__in=row_ids))
            # The next attempt is allowed once enough of the others are out of the window.
            retry_after = times[len(times) - 1 - limit.max_attempts] + limit.window - now
            logger.info("Attempt refused: limit %s reached", limit.kind)
            raise _LimitReached(max(retry_after, timedelta(0)))
    return row_ids


def _delete(condition: Q) -> None:
    """Delete the matching rows that no other process is deleting right now: simultaneous
    purges never wait for each other nor deadlock (PostgreSQL skips locked rows; SQLite runs
    one writer at a time)."""
    with transaction.atomic():
        taken = Attempt.objects.filter(condition).select_for_update(skip_locked=True).values("pk")
        Attempt.objects.filter(pk__in=taken).delete()


def _key(value: str) -> str:
    return salted_hmac("comptoir.security.attempt", value, algorithm="sha256").hexdigest()


def _whole_minutes(duration: timedelta) -> int:
    return max(1, math.ceil(duration.total_seconds() / 60))
