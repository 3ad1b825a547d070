"""Reconciliation: attempts nobody came back for are settled by asking PayPal."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comptoir.invoicing.models import Invoice
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.models import Payment
from comptoir.paypal.models import PayPalCheckout
from comptoir.paypal.reconciliation import reconcile_pending_checkouts
from comptoir.paypal.services import paypal_status, start_checkout
from comptoir.paypal.testing import enable_paypal, make_invoiced_order

pytestmark = pytest.mark.django_db


def started_checkout(minutes_ago=10, **order_kwargs):
    enable_paypal()
    order, invoice = make_invoiced_order(**order_kwargs)
    checkout = start_checkout(invoice, return_url="http://shop.test/r/", cancel_url="http://shop.test/c/",
                              language="fr")
    PayPalCheckout.objects.filter(pk=checkout.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return order, invoice, checkout


def test_approved_checkout_is_captured_by_the_command(paypal_simulator):
    order, invoice, checkout = started_checkout()
    paypal_simulator.approve(checkout.paypal_order_id)  # then the payer closed the window
    output = StringIO()
    call_command("reconcile_paypal", stdout=output)
    assert output.getvalue().strip() == "completed: 1"
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and order.status == Order.Status.COMPLETED
    note = order.events.get(kind=OrderEvent.Kind.NOTE, data__source="reconciliation")
    assert note.data["provider"] == "paypal"
    # A second pass finds nothing left to do.
    assert reconcile_pending_checkouts() == {}


def test_recent_and_unapproved_checkouts_are_left_alone(paypal_simulator):
    _order, _invoice, recent = started_checkout(minutes_ago=1)
    paypal_simulator.approve(recent.paypal_order_id)
    _order, invoice, waiting = started_checkout(minutes_ago=30, email="b@example.test")
    assert reconcile_pending_checkouts() == {"created": 1}
    assert not Payment.objects.exists()
    assert not OrderEvent.objects.filter(kind=OrderEvent.Kind.PAYMENT_FAILED).exists()


def test_old_unapproved_checkout_expires(paypal_simulator):
    started_checkout(minutes_ago=60 * 24 * 4)
    assert reconcile_pending_checkouts() == {"expired": 1}


def test_paypal_down_during_reconciliation_changes_nothing(paypal_simulator):
    _order, invoice, checkout = started_checkout()
    paypal_simulator.approve(checkout.paypal_order_id)
    paypal_simulator.set_mode("fail")
    assert reconcile_pending_checkouts() == {"error": 1}
    assert PayPalCheckout.objects.get().status == PayPalCheckout.Status.CREATED
    paypal_simulator.set_mode("normal")
    assert reconcile_pending_checkouts() == {"completed": 1}


def test_paypal_status_for_the_settings_page(paypal_simulator, settings):
    enable_paypal()
    assert paypal_status() == {"configured": True, "mode": "simulator", "enabled": True,
                               "webhook_configured": True}
    settings.PAYPAL_API_BASE, settings.PAYPAL_MODE = "", "live"
    assert paypal_status()["mode"] == "live"
    settings.PAYPAL_CLIENT_SECRET = ""
    assert paypal_status()["configured"] is False


def test_the_reconciliation_task_settles_like_the_command(paypal_simulator):
    from comptoir.paypal.tasks import reconcile_paypal_task

    _order, invoice, checkout = started_checkout()
    paypal_simulator.approve(checkout.paypal_order_id)
    assert reconcile_paypal_task.call() == {"completed": 1}
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
