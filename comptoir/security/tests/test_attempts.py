"""Login and password reset limits: counted in the database, per (account, address) pair, per
address and per account (a slowdown, never a lock)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from comptoir.security.models import Attempt
from comptoir.security.services import (
    TooManyAttempts,
    begin_login_attempt,
    login_not_checked,
    login_succeeded,
    record_password_reset_request,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("America/Toronto"))
HOME = "203.0.113.7"
SHOP = "198.51.100.20"


def fail(username, *, at, address=HOME):
    """One login attempt whose password turns out wrong (its rows stay)."""
    return begin_login_attempt(username, client_address=address, now=at)


def refusal(username, *, at, address=HOME) -> TooManyAttempts:
    rows_before = list(Attempt.objects.order_by("pk").values_list("pk", "kind", "key", "created_at"))
    with pytest.raises(TooManyAttempts) as refused:
        begin_login_attempt(username, client_address=address, now=at)
    # A refused attempt leaves nothing.
    assert list(Attempt.objects.order_by("pk").values_list("pk", "kind", "key", "created_at")) == rows_before
    return refused.value


def test_five_failures_refuse_the_account_from_that_address_for_the_rest_of_the_window():
    for minute in range(5):
        fail("lea@example.test", at=T0 + timedelta(minutes=minute))
    refused = refusal("lea@example.test", at=T0 + timedelta(minutes=6))
    assert refused.retry_after == timedelta(minutes=9)  # the first failure expires at T0 + 15 min
    assert refused.code == "too_many_attempts"
    with translation.override("fr"):
        assert str(refusal("lea@example.test", at=T0 + timedelta(minutes=6))) == (
            "Trop de tentatives de connexion. Réessayez dans 9 minutes."
        )
    with translation.override("en"):
        assert str(refusal("lea@example.test", at=T0 + timedelta(minutes=14, seconds=30))) == (
            "Too many login attempts. Try again in 1 minute."
        )
    # The same account from another address is not refused.
    fail("lea@example.test", at=T0 + timedelta(minutes=6), address=SHOP)
    # Once the first failure is out of the window, one more attempt is allowed, not six.
    fail("lea@example.test", at=T0 + timedelta(minutes=15))
    refusal("lea@example.test", at=T0 + timedelta(minutes=15, seconds=1))


def test_fifty_wrong_passwords_from_one_address_do_not_lock_the_account():
    for n in range(50):
        if n < 5:
            fail("marchand", at=T0 + timedelta(seconds=n))
        else:
            refusal("marchand", at=T0 + timedelta(seconds=n))
    assert Attempt.objects.filter(kind=Attempt.Kind.LOGIN_ACCOUNT).count() == 5
    login_succeeded(fail("marchand", at=T0 + timedelta(minutes=1), address=SHOP))
    refusal("marchand", at=T0 + timedelta(minutes=1))


def test_failures_from_many_addresses_slow_the_account_down_but_a_new_address_always_gets_a_try():
    addresses = [f"192.0.2.{n}" for n in range(1, 30)]
    for address in addresses[:2]:
        for _ in range(5):
            fail("marchand", at=T0, address=address)
    # 10 failures in 15 minutes: each address now gets 2 tries instead of 5.
    fail("marchand", at=T0, address=addresses[2])
    fail("marchand", at=T0, address=addresses[2])
    refusal("marchand", at=T0, address=addresses[2])
    for address in addresses[3:]:
        fail("marchand", at=T0 + timedelta(minutes=1), address=address)
    # Other accounts from those addresses keep the usual limit.
    for _ in range(5):
        fail("marc@example.test", at=T0 + timedelta(minutes=2), address=addresses[2])
    # Once the failures are more than 15 minutes old, the usual 5 tries come back.
    for _ in range(5):
        fail("marchand", at=T0 + timedelta(minutes=17), address=addresses[3])
    refusal("marchand", at=T0 + timedelta(minutes=17), address=addresses[3])


def test_case_and_spaces_do_not_make_another_account():
    for username in ["lea@example.test", "LEA@example.test", " Lea@Example.TEST ", "lea@example.test"]:
        fail(username, at=T0)
    fail("ＬＥＡ@example.test", at=T0)  # full-width letters: NFKC makes them plain ones
    refusal("Lea@example.test", at=T0)


def test_a_success_forgets_the_failures_from_its_address_but_not_the_other_accounts():
    for _ in range(4):
        fail("lea@example.test", at=T0)
        fail("marc@example.test", at=T0)
    login_succeeded(fail("lea@example.test", at=T0))
    for _ in range(5):
        fail("lea@example.test", at=T0)
    refusal("lea@example.test", at=T0)
    fail("marc@example.test", at=T0)
    refusal("marc@example.test", at=T0)


def test_an_attempt_whose_password_was_not_checked_does_not_count():
    for _ in range(10):
        login_not_checked(fail("lea@example.test", at=T0))
    assert Attempt.objects.count() == 0
    for _ in range(5):
        fail("lea@example.test", at=T0)


def test_twenty_failures_from_one_address_refuse_any_account_from_it():
    for n in range(20):
        fail(f"client{n}@example.test", at=T0 + timedelta(seconds=n))
    refused = refusal("someone-new@example.test", at=T0 + timedelta(minutes=1))
    assert refused.retry_after == timedelta(minutes=14)
    fail("someone-new@example.test", at=T0 + timedelta(minutes=1), address="198.51.100.4")
    fail("someone-new@example.test", at=T0 + timedelta(minutes=15), address=HOME)


def test_an_ipv6_visitor_is_counted_by_network():
    for n in range(20):
        fail(f"client{n}@example.test", at=T0, address=f"2001:db8:1:2::{n + 1:x}")
    refusal("someone-new@example.test", at=T0, address="2001:db8:1:2:ffff::9")
    fail("someone-new@example.test", at=T0, address="2001:db8:1:3::1")


def test_expired_rows_are_deleted_as_new_attempts_come():
    for n in range(5):
        fail(f"client{n}@example.test", at=T0)
    record_password_reset_request(HOME, now=T0)
    assert Attempt.objects.count() == 16
    fail("lea@example.test", at=T0 + timedelta(minutes=15, seconds=1))
    # The account's counts stay an hour (for the alert); the others 15 minutes.
    assert sorted(Attempt.objects.values_list("kind", flat=True)) == sorted([
        *[Attempt.Kind.LOGIN_ACCOUNT] * 6, Attempt.Kind.LOGIN_ADDRESS, Attempt.Kind.LOGIN_PAIR,
        Attempt.Kind.PASSWORD_RESET_ADDRESS,
    ])
    record_password_reset_request(HOME, now=T0 + timedelta(minutes=15, seconds=1))
    assert Attempt.objects.filter(created_at__lt=T0 + timedelta(minutes=15)).exclude(
        kind=Attempt.Kind.LOGIN_ACCOUNT).count() == 0
    fail("marc@example.test", at=T0 + timedelta(hours=1, seconds=1))
    assert Attempt.objects.filter(created_at__lt=T0 + timedelta(minutes=15)).count() == 0


def test_neither_the_username_nor_the_address_is_stored():
    fail("Lea@Example.test", at=T0)
    record_password_reset_request(HOME, now=T0)
    keys = list(Attempt.objects.values_list("key", flat=True))
    assert len(keys) == 4 and len(set(keys)) == 3  # the same address for both kinds
    assert all(len(key) == 64 and set(key) <= set("0123456789abcdef") for key in keys)


def test_five_reset_requests_per_address_per_window():
    for minute in range(5):
        record_password_reset_request(HOME, now=T0 + timedelta(minutes=minute))
    with pytest.raises(TooManyAttempts) as refused, translation.override("fr"):
        record_password_reset_request(HOME, now=T0 + timedelta(minutes=5))
    assert str(refused.value) == (
        "Trop de demandes de nouveau mot de passe depuis votre connexion. Réessayez dans 10 minutes."
    )
    assert Attempt.objects.count() == 5
    record_password_reset_request("198.51.100.4", now=T0 + timedelta(minutes=5))
    record_password_reset_request(HOME, now=T0 + timedelta(minutes=15))
    # Reset requests and login failures are separate counts.
    fail("lea@example.test", at=T0 + timedelta(minutes=15))
