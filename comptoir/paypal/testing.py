"""Test helpers: the PayPal simulator as a pytest fixture, and PayPal-ready invoices.

Other apps' tests can use the fixture by importing it into their ``conftest.py``:
``from comptoir.paypal.testing import paypal_simulator  # noqa: F401``.
"""

import pytest

from . import client
from .simulator import CLIENT_ID, CLIENT_SECRET, WEBHOOK_ID, Simulator


@pytest.fixture
def paypal_simulator(settings):
    """A running PayPal simulator on a free port; Comptoir's PayPal settings point at it."""
    simulator = Simulator().start()
    settings.PAYPAL_API_BASE = simulator.base_url
    settings.PAYPAL_CLIENT_ID = CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = CLIENT_SECRET
    settings.PAYPAL_WEBHOOK_ID = WEBHOOK_ID
    settings.PAYPAL_TIMEOUT = 5
    client._token_cache.clear()
    yield simulator
    simulator.stop()
    client._token_cache.clear()


def enable_paypal(**shop_overrides):
    """The demo shop with « Autoriser les paiements avec PayPal » ticked."""
    from comptoir.core.testing import make_shop

    return make_shop(**{"paypal_enabled": True, **shop_overrides})


def make_invoiced_order(*, payment_method="paypal", status="new", language="fr", delivery_kind="pickup",
                        **kwargs):
    """An order (written with the ORM) and its issued invoice; $100 picked up in Québec = $114.98."""
    from comptoir.core.testing import make_order
    from comptoir.invoicing.services import issue_invoice

    order = make_order(payment_method=payment_method, status=status, language=language,
                       delivery_kind=delivery_kind, **kwargs)
    invoice = issue_invoice(order)
    return order, invoice


def make_paypal_paid_order(simulator, products_and_quantities=None, **kwargs):
    """An invoiced order paid through the PayPal simulator (approved, captured, settled)."""
    from .services import capture_checkout, start_checkout

    enable_paypal()
    order, invoice = make_invoiced_order(products_and_quantities=products_and_quantities, **kwargs)
    checkout = start_checkout(invoice, return_url="http://shop.test/r/", cancel_url="http://shop.test/c/",
                              language=order.language)
    simulator.approve(checkout.paypal_order_id)
    capture_checkout(checkout, source="return")
    invoice.refresh_from_db()
    order.refresh_from_db()
    return order, invoice


def process_stored_webhooks(now=None) -> list[str]:
    """Process now the stored webhook events that are due, as the worker's tasks would (the test
    suite's task backend keeps them in the database queue); returns each outcome."""
    from .models import WebhookEvent
    from .webhooks import process_stored_event

    due = WebhookEvent.objects.filter(processed_at__isnull=True).order_by("received_at", "id")
    return [process_stored_event(pk, now=now) for pk in list(due.values_list("pk", flat=True))]
