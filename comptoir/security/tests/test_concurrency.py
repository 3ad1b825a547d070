"""Simultaneous attempts from several processes: never more password checks than the limit,
and simultaneous purges neither wait for each other nor deadlock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.core.testing import run_together, split_outcomes
from comptoir.security.models import Attempt
from comptoir.security.services import PAIR_LOGIN_LIMIT, TooManyAttempts, begin_login_attempt

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_guesses_get_at_most_five_password_checks():
    outcomes = run_together(
        12, lambda i: begin_login_attempt("lea@example.test", client_address="198.51.100.7")
    )
    allowed, refused = split_outcomes(outcomes)
    assert len(allowed) <= 5 and len(allowed) + len(refused) == 12
    assert all(isinstance(error, TooManyAttempts) for error in refused)
    # Only the allowed attempts left rows: the count goes on from there.
    assert Attempt.objects.filter(kind=Attempt.Kind.LOGIN_PAIR).count() == len(allowed)
    assert Attempt.objects.filter(kind=Attempt.Kind.LOGIN_ACCOUNT).count() == len(allowed)
    for _n in range(5 - len(allowed)):
        begin_login_attempt("lea@example.test", client_address="198.51.100.7")
    with pytest.raises(TooManyAttempts):
        begin_login_attempt("lea@example.test", client_address="198.51.100.7")
    begin_login_attempt("lea@example.test", client_address="192.0.2.99")  # another address


def test_simultaneous_purges_of_the_same_old_rows():
    long_ago = timezone.now() - PAIR_LOGIN_LIMIT.window - timedelta(minutes=1)
    Attempt.objects.bulk_create(
        Attempt(kind=kind, key=f"{n:064x}", created_at=long_ago)
        for n in range(300) for kind in (Attempt.Kind.LOGIN_PAIR, Attempt.Kind.LOGIN_ADDRESS)
    )
    outcomes = run_together(
        8, lambda i: begin_login_attempt(f"client{i}@example.test", client_address=f"198.51.100.{i + 1}")
    )
    allowed, errors = split_outcomes(outcomes)
    assert errors == [] and len(allowed) == 8
    assert Attempt.objects.filter(created_at=long_ago).count() == 0
    assert Attempt.objects.count() == 24
