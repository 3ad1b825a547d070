"""Limits on guessing passwords and two-factor codes, and on asking for password reset emails.

Every attempt that counts leaves one ``Attempt`` row; a limit is reached when its key has too
many rows in the window. The rows live in the database, so every web worker process sees the
same counts.

Sign-in failures are limited so that nobody can lock the owner out of the back-office by
knowing the username:

- **per (account, client address) pair**: 5 failures in 15 minutes, then that address is refused
  for that account until the oldest failure leaves the window;
- **per client address**: 20 failures in 15 minutes, whatever the accounts, then that address is
  refused for every account;
- **per account, a slowdown, never a lock**: the account's failures from all addresses are
  counted for an hour. Once it has seen 10 failures in 15 minutes, every address gets 2 tries
  for it instead of 5 (a guesser spread over many addresses gets fewer guesses), but the first
  attempt from an address that has not failed for this account is always checked (unless that
  address is over its own limit): the right password from a new address signs in whatever
  strangers did from theirs. At 20 failures in an hour
  the owners are alerted by email (once per hour and account, through the outbox) for a staff
  account.

A successful sign-in forgets the failures of its (account, address) pair; the account's count
stays for its hour (it only slows and alerts). Two-factor codes are counted per account
(10 wrong codes in 15 minutes): only someone who knows the password reaches that step, and
django-otp also spaces the tries on each device (1, 2, 4 … seconds after successive failures).

An attempt is recorded *before* the password (or code) is checked, then the recent rows are
counted: of any number of simultaneous attempts, only those whose own row is within the limit go
on, so no more than the limit are ever checked, without any lock held across the check. A
refused attempt removes its rows again (it changes nothing). For that bound, call these
functions outside a transaction: each statement then commits on its own and the other processes
see it at once.
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
    max_attempts: int | None  # None: counted (for the slowdown and the alert), never refused
    window: timedelta


# A customer who mistypes a few times is not bothered; a guesser gets 5 tries per account and
# address and 20 per address every 15 minutes, whichever login page they use.
PAIR_LOGIN_LIMIT = Limit(Attempt.Kind.LOGIN_PAIR, 5, timedelta(minutes=15))
PAIR_LOGIN_LIMIT_UNDER_ATTACK = Limit(Attempt.Kind.LOGIN_PAIR, 2, timedelta(minutes=15))
ADDRESS_LOGIN_LIMIT = Limit(Attempt.Kind.LOGIN_ADDRESS, 20, timedelta(minutes=15))
ACCOUNT_LOGIN_FAILURES = Limit(Attempt.Kind.LOGIN_ACCOUNT, None, timedelta(hours=1))
# The account's failures (all addresses) that turn on the slowdown, and those that alert.
ACCOUNT_UNDER_ATTACK = (10, timedelta(minutes=15))
ACCOUNT_ALERT = (20, timedelta(hours=1))
TWO_FACTOR_LIMIT = Limit(Attempt.Kind.TWO_FACTOR_ACCOUNT, 10, timedelta(minutes=15))
ADDRESS_PASSWORD_RESET_LIMIT = Limit(Attempt.Kind.PASSWORD_RESET_ADDRESS, 5, timedelta(minutes=15))


class TooManyAttempts(DomainError):
    """A limit is reached; ``retry_after`` is the time until the next attempt is allowed."""

    def __init__(self, message, *, retry_after: timedelta):
        super().__init__(message, code="too_many_attempts")
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginAttempt:
    account_key: str
    pair_key: str
    row_ids: tuple[int, ...]
    username: str = ""
    at: datetime | None = None


def begin_login_attempt(username: str, *, client_address: str, now: datetime | None = None) -> LoginAttempt:
    """Record a login attempt as a failure for the account, the address and the pair, before
    the password is checked; raise ``TooManyAttempts`` if the pair or the address is over its
    limit (the account alone never refuses: it only lowers the pair's limit).

    The account is the username as typed (normalized): the same rule and message whether an
    account of that name exists or not.
    """
    now = now or timezone.now()
    account = normalize_username(username)
    bucket = address_bucket(client_address)
    account_key, pair_key = _key(account), _key(f"{account}\n{bucket}")
    threshold, window = ACCOUNT_UNDER_ATTACK
    under_attack = Attempt.objects.filter(
        kind=Attempt.Kind.LOGIN_ACCOUNT, key=account_key, created_at__gt=now - window
    ).count() >= threshold
    try:
        row_ids = _reserve(
            [
                (PAIR_LOGIN_LIMIT_UNDER_ATTACK if under_attack else PAIR_LOGIN_LIMIT, pair_key),
                (ADDRESS_LOGIN_LIMIT, _key(bucket)),
                (ACCOUNT_LOGIN_FAILURES, account_key),
            ],
            now=now,
        )
    except _LimitReached as reached:
        minutes = _whole_minutes(reached.retry_after)
        message = ngettext(
            "Too many login attempts. Try again in %(minutes)s minute.",
            "Too many login attempts. Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        raise TooManyAttempts(message, retry_after=reached.retry_after) from None
    return LoginAttempt(account_key=account_key, pair_key=pair_key, row_ids=row_ids,
                        username=account, at=now)


def login_succeeded(attempt: LoginAttempt) -> None:
    """The password was right: the failures of this account from this address are forgotten,
    and this attempt does not count at all. (The account's count from other addresses stays:
    it never refuses anyone.)"""
    _delete(Q(kind=Attempt.Kind.LOGIN_PAIR, key=attempt.pair_key) | Q(pk__in=attempt.row_ids))


def login_not_checked(attempt: LoginAttempt) -> None:
    """The form stopped before any password was checked (a missing field, or an account that
    may not use this login): the attempt does not count."""
    _delete(Q(pk__in=attempt.row_ids))


def login_failed(attempt: LoginAttempt) -> None:
    """The password was wrong (the attempt's rows stay). When the account has seen many failures
    in the last hour and is a staff account, the owners are alerted."""
    now = attempt.at or timezone.now()
    threshold, window = ACCOUNT_ALERT
    failures = Attempt.objects.filter(
        kind=Attempt.Kind.LOGIN_ACCOUNT, key=attempt.account_key, created_at__gt=now - window
    ).count()
    if failures >= threshold:
        from .alerts import alert_owners_of_login_failures

        alert_owners_of_login_failures(attempt.username, account_key=attempt.account_key,
                                       failures=failures, now=now)


def begin_two_factor_attempt(user, *, now: datetime | None = None) -> tuple[int, ...]:
    """Count one two-factor code about to be checked for ``user``; raise ``TooManyAttempts``
    beyond the limit (the refused attempt is not counted). Returns the ids to pass to
    ``two_factor_succeeded``."""
    try:
        return _reserve([(TWO_FACTOR_LIMIT, _key(f"user:{user.pk}"))], now=now or timezone.now())
    except _LimitReached as reached:
        minutes = _whole_minutes(reached.retry_after)
        message = ngettext(
            "Too many wrong codes. Try again in %(minutes)s minute.",
            "Too many wrong codes. Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        raise TooManyAttempts(message, retry_after=reached.retry_after) from None


def two_factor_succeeded(user) -> None:
    """The code was right: the account's wrong codes are forgotten."""
    _delete(Q(kind=Attempt.Kind.TWO_FACTOR_ACCOUNT, key=_key(f"user:{user.pk}")))


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
        if limit.max_attempts is None:
            continue
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
