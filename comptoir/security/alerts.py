"""The owners' email alert when a staff account sees many failed sign-ins."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)

ALERT_TEMPLATE = "login_failures"
ALERT_PERIOD = timedelta(hours=1)


def alert_owners_of_login_failures(username: str, *, account_key: str, failures: int, now: datetime) -> list:
    """Queue one email per active owner with an email address (in the owner's language; the
    shop's alert address when no owner has one) saying that the staff account
    ``username`` (normalized) has seen ``failures`` failed sign-ins in the last hour. At most one
    alert per account and hour: an alert queued in the last hour for this account stops it, and
    the dedupe key names the hour. Nothing is queued for an unknown or a customer account."""
    from comptoir.customers.models import Customer
    from comptoir.merchant.models import ShopSettings
    from comptoir.notifications.models import Notification
    from comptoir.notifications.services import OutgoingMessage, queue_notifications

    from .roles import OWNER_GROUP
    from .services import normalize_username

    User = get_user_model()
    account = next((user for user in User.objects.filter(username__iexact=username, is_staff=True)
                    if normalize_username(user.username) == username), None)
    if account is None:
        return []
    reference = f"security:{account_key[:32]}"
    if Notification.objects.filter(template=ALERT_TEMPLATE, reference=reference,
                                   created_at__gt=now - ALERT_PERIOD).exists():
        return []
    owners = list(
        User.objects.filter(Q(is_superuser=True) | Q(groups__name=OWNER_GROUP), is_active=True, is_staff=True)
        .exclude(email="").distinct().order_by("pk")
    )
    shop = ShopSettings.load()
    languages = dict(Customer.objects.filter(user__in=owners).values_list("user_id", "language"))
    recipients = [(owner.pk, owner.email, languages.get(owner.pk) or shop.alert_language) for owner in owners]
    if not recipients and shop.alert_email:  # no owner has an email: the shop's alert address
        recipients = [("shop", shop.alert_email, shop.alert_language)]
    hour = int(now.timestamp() // ALERT_PERIOD.total_seconds())
    messages = []
    for recipient_key, email, language in recipients:
        with translation.override(language):
            staff_url = settings.SITE_URL.rstrip("/") + reverse("configuration:staff_list")
        messages.append(OutgoingMessage(
            channel=Notification.Channel.EMAIL, template=ALERT_TEMPLATE, recipient=email,
            language=language,
            context={"account": account.get_username(), "failures": failures, "staff_url": staff_url,
                     "shop": {"display_name": shop.display_name}},
            dedupe_key=f"{reference}:{hour}:{recipient_key}", reference=reference,
            sender_name=shop.display_name,
        ))
    logger.warning("%s failed sign-ins in an hour for a staff account: owners alerted", failures)
    return queue_notifications(messages)
