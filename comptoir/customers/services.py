"""Customers: account holders and guests (« client » ou « invité »), and their passwords.

``record_customer`` is called by checkout inside its transaction. A guest is one row per email
address; an account holder is keyed by their user. Each customer points to its own copy of their
latest addresses, distinct from the orders' snapshots.
"""

import datetime
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.models import Notification
from comptoir.notifications.services import OutgoingMessage, queue_notifications
from comptoir.security.services import record_password_reset_request

from .models import FIGURES, Address, Customer


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
    news_consent_wording: str = "",
    order_total: Decimal | None = None,
    placed_at: datetime.datetime | None = None,
    balance: Decimal = Decimal(0),
) -> Customer:
    """Create or update the customer who is placing an order, with their latest addresses.

    ``order_snapshots`` are the order's own unsaved address rows: they are inserted with the
    customer's copies, in the same query. ``order_total`` and ``placed_at``: the order being
    placed, added to the customer's figures in the same write; ``balance``: what its invoice,
    issued in the same transaction, will ask for (added to ``balance_owed`` in that write too).
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
    if news_consent_wording:  # CASL: when, and the exact words the customer agreed to
        fields["news_consent_at"] = timezone.now()
        fields["news_consent_wording"] = news_consent_wording
    customer = _existing_customer(email=email, user=user)
    if customer is None:
        first = {} if order_total is None else {
            "order_count": 1, "total_spent": order_total, "last_order_at": placed_at,
            "balance_owed": balance}
        try:
            with transaction.atomic():  # a savepoint: a concurrent first order may create the row
                return Customer.objects.create(user=user, **fields, **first)
        except IntegrityError:
            customer = _existing_customer(email=email, user=user)
            if customer is None:
                raise
    for name, value in fields.items():
        setattr(customer, name, value)
    if order_total is None:
        customer.save()
        return customer
    changes = figure_changes(orders=1, spent=order_total, balance=balance, placed_at=placed_at)
    for name, value in changes.items():
        setattr(customer, name, value)
    saved = [field.name for field in Customer._meta.concrete_fields
             if not field.primary_key and field.name not in FIGURES]
    customer.save(update_fields=saved + list(changes))
    for name in changes:  # the expressions written: read again from the row when asked for
        del customer.__dict__[name]
    return customer


def figure_changes(*, orders: int = 0, spent: Decimal = Decimal(0), balance: Decimal = Decimal(0),
                   placed_at: datetime.datetime | None = None) -> dict:
    """The expressions that add to a customer's figures (see ``Customer.order_count``)."""
    changes = {}
    if orders:
        changes["order_count"] = F("order_count") + orders
    if spent:
        changes["total_spent"] = F("total_spent") + spent
    if balance:
        changes["balance_owed"] = F("balance_owed") + balance
    if placed_at is not None:
        changes["last_order_at"] = Greatest(Coalesce(F("last_order_at"), Value(placed_at)), Value(placed_at))
    return changes


def add_to_figures(customers, **amounts) -> None:
    """Add to the figures of ``customers`` (a queryset: usually one customer, by its order) in one
    UPDATE, atomic under concurrent ones: ``orders``, ``spent``, ``balance``, ``placed_at``."""
    changes = figure_changes(**amounts)
    if changes:
        customers.update(**changes)


def _existing_customer(*, email: str, user) -> Customer | None:
    if user is not None:
        return Customer.objects.filter(user=user).first()
    return Customer.objects.filter(user=None, email__iexact=email).first()


# --- Password reset ----------------------------------------------------------------------------

# A new reset email for the same account is recorded at most once per window while its previous
# link still works (same password, same last login): asking again does not flood the mailbox.
RESET_EMAIL_WINDOW_SECONDS = 15 * 60


def request_password_reset(
    email: str, *, language: str, client_address: str | None = None
) -> list[Notification]:
    """Email a link to choose a new password to each active account of ``email``.

    The caller always gives the same answer, whether an account exists or not. The message goes
    through the outbox, in the account's stored language (``language`` for an account that never
    ordered); the link carries Django's token, which expires after ``PASSWORD_RESET_TIMEOUT`` and
    stops working once the password is changed.

    A visitor's request gives their ``client_address``: beyond the limit of requests per address
    (whatever the email addresses asked for) it raises ``TooManyAttempts`` and queues nothing.
    """
    if client_address is not None:
        record_password_reset_request(client_address)
    users = reset_candidates(email)
    if not users:
        return []
    shop = ShopSettings.load()
    languages = dict(
        Customer.objects.filter(user__in=users).values_list("user_id", "language")
    )
    messages = []
    for user in users:
        user_language = languages.get(user.pk) or language
        messages.append(OutgoingMessage(
            channel=Notification.Channel.EMAIL, template="password_reset", recipient=user.email,
            language=user_language,
            context=_password_reset_context(user, shop, user_language),
            dedupe_key=_password_reset_key(user), sender_name=shop.display_name,
            reply_to=shop.email,
        ))
    return queue_notifications(messages)


def reset_candidates(email: str) -> list:
    """The active accounts with a usable password whose address is ``email`` (as Django's own
    password reset finds them: case-insensitive, Unicode-normalized on both sides)."""
    User = get_user_model()
    wanted = _comparable(email)
    return [
        user for user in User.objects.filter(email__iexact=email.strip(), is_active=True).order_by("pk")
        if user.has_usable_password() and _comparable(user.email) == wanted
    ]


def password_reset_path(user, *, language: str) -> str:
    """The path of ``user``'s reset link, valid until the timeout or the next password change."""
    with translation.override(language):
        return reverse("storefront:password_reset_confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        })


def _password_reset_context(user, shop, language: str) -> dict:
    timeout = int(settings.PASSWORD_RESET_TIMEOUT)
    hours, minutes = (timeout // 3600, 0) if timeout % 3600 == 0 else (0, max(1, timeout // 60))
    return {
        "shop": shop.message_data(),
        "customer": {"name": user.get_full_name(), "email": user.email},
        "reset_url": settings.SITE_URL + password_reset_path(user, language=language),
        "valid_hours": hours, "valid_minutes": minutes,
    }


def _password_reset_key(user) -> str:
    """Unique per account, per window and per state of the account (the state changes when the
    password changes or the user logs in: the previous link then no longer works)."""
    state = salted_hmac(
        "comptoir.customers.password-reset", f"{user.pk}|{user.password}|{user.last_login}|{user.email}"
    ).hexdigest()[:16]
    return f"password-reset:{user.pk}:{state}:{int(timezone.now().timestamp()) // RESET_EMAIL_WINDOW_SECONDS}"


def _comparable(email: str) -> str:
    return unicodedata.normalize("NFKC", email.strip()).casefold()
