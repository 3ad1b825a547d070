"""Settling PayPal attempts nobody came back for (closed browser, lost webhook).

``reconcile_pending_checkouts`` asks PayPal about each attempt still open after a few minutes and
settles it like the browser return would have. Run by ``manage.py reconcile_paypal`` and by the
periodic task in ``tasks.py``.
"""

import logging
from datetime import timedelta

from django.utils import timezone

from . import client as paypal
from .models import PayPalCheckout
from .services import capture_checkout, settle_paypal_order

logger = logging.getLogger(__name__)

Status = PayPalCheckout.Status
SETTLE_AFTER = timedelta(minutes=5)
EXPIRE_AFTER = timedelta(days=3)  # PayPal drops orders never approved after about three days
BATCH_SIZE = 200


def reconcile_pending_checkouts(*, older_than: timedelta = SETTLE_AFTER, now=None) -> dict[str, int]:
    """Ask PayPal about open attempts older than ``older_than``; returns counts by outcome."""
    if not paypal.is_configured():
        return {}
    now = now or timezone.now()
    checkouts = list(
        PayPalCheckout.objects.filter(status__in=[Status.CREATED, Status.PENDING],
                                      paypal_order_id__isnull=False, created_at__lte=now - older_than)
        .select_related("invoice").order_by("created_at")[:BATCH_SIZE]
    )
    outcomes: dict[str, int] = {}
    for checkout in checkouts:
        try:
            outcome = sync_checkout(checkout, now=now).status
        except paypal.PayPalError as error:
            logger.warning("PayPal reconciliation of %s failed: %s", checkout.pk, error)
            outcome = "error"
        except Exception:  # one bad row must not stop the others
            logger.exception("PayPal reconciliation of %s failed", checkout.pk)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def sync_checkout(checkout: PayPalCheckout, *, now=None, source: str = "reconciliation") -> PayPalCheckout:
    """Bring one attempt in line with what PayPal knows about its order."""
    now = now or timezone.now()
    try:
        paypal_order = paypal.PayPalClient().get_order(checkout.paypal_order_id)
    except paypal.PayPalRejected as error:
        if error.status == 404:
            return _expire(checkout)
        raise
    status = paypal_order.get("status", "")
    if status == "APPROVED":
        return capture_checkout(checkout, source=source)
    if paypal.captures_of(paypal_order):
        return settle_paypal_order(checkout, paypal_order, source=source)
    if status == "VOIDED" or checkout.created_at < now - EXPIRE_AFTER:
        return _expire(checkout)
    return checkout  # still waiting for the payer


def _expire(checkout: PayPalCheckout) -> PayPalCheckout:
    PayPalCheckout.objects.filter(pk=checkout.pk, status__in=[Status.CREATED, Status.NEW]).update(
        status=Status.EXPIRED, updated_at=timezone.now())
    checkout.refresh_from_db()
    return checkout
