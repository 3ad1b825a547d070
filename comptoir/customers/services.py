"""Customers: account holders and guests (« client » ou « invité »).

Called by checkout inside its transaction. A guest is one row per email address; an account
holder is keyed by their user. Each customer points to its own copy of their latest addresses,
distinct from the orders' snapshots.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError

from .models import Address, Customer


class AccountExists(DomainError):
    pass


def account_username(email: str) -> str:
    """Customers log in with their email address; it is their username, in lower case."""
    return email.strip().lower()


def create_account(*, email: str, password: str, first_name: str = "", last_name: str = ""):
    """Create a customer's user account (not staff). Refuses a taken email or a weak password."""
    User = get_user_model()
    username = account_username(email)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountExists(
            _("An account already exists for %(email)s: log in instead.") % {"email": email},
            code="account_exists",
        )
    candidate = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="weak_password") from error
    candidate.set_password(password)
    candidate.save()
    return candidate


def record_customer(
    *,
    email: str,
    phone: str,
    language: str,
    billing_address: Address,
    shipping_address: Address | None,
    user=None,
    order_snapshots: list[Address] = (),
) -> Customer:
    """Create or update the customer who is placing an order, with their latest addresses.

    ``order_snapshots`` are the order's own unsaved address rows: they are inserted with the
    customer's copies, in the same query.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_customer must run inside the checkout transaction")
    # New rows each time: an address row may already be some order's snapshot elsewhere, and
    # snapshots are never changed.
    copies = [address.copy() for address in (billing_address, shipping_address) if address is not None]
    Address.objects.bulk_create([*copies, *order_snapshots])
    fields = {
        "email": email, "phone": phone, "language": language,
        "first_name": billing_address.first_name, "last_name": billing_address.last_name,
        "billing_address": copies[0],
    }
    if shipping_address is not None:
        fields["shipping_address"] = copies[1]
    customer = _existing_customer(email=email, user=user)
    if customer is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first order may create the row
                return Customer.objects.create(user=user, **fields)
        except IntegrityError:
            customer = _existing_customer(email=email, user=user)
            if customer is None:
                raise
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.save()
    return customer


def _existing_customer(*, email: str, user) -> Customer | None:
    if user is not None:
        return Customer.objects.filter(user=user).first()
    return Customer.objects.filter(user=None, email__iexact=email).first()
