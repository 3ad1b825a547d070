"""Flows A and C through the payment page, the PayPal simulator and the return URL."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from comptoir.catalog.models import Product
from comptoir.core.testing import make_product
from comptoir.invoicing.models import Invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.links import payment_url
from comptoir.payments.models import Payment
from comptoir.paypal.models import PayPalCheckout
from comptoir.paypal.testing import enable_paypal, make_invoiced_order

pytestmark = pytest.mark.django_db


def page_url(invoice, language="fr"):
    return f"/{language}/payer/{invoice.payment_token}/"


def go_to_paypal(client, invoice, **data):
    answer = client.post(page_url(invoice) + "paypal/", data)
    assert answer.status_code == 302, answer
    return answer["Location"]


def pay_on_simulator(client, simulator, invoice):
    """Click « Payer avec PayPal », approve on the simulator, come back: the return response."""
    approve_url = go_to_paypal(client, invoice)
    paypal_order_id = approve_url.split("token=")[1]
    back = simulator.approve(paypal_order_id)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def payment_messages(order):
    """(template, recipient) of the payment messages queued for ``order``."""
    return sorted(Notification.objects.filter(reference=f"order:{order.pk}", template__startswith="payment")
                  .values_list("template", "recipient"))


def expected_payment_messages(order):
    return sorted([("payment_confirmation", order.email), ("payment_received", "marchand@delices.test")])


def test_flow_a_paypal_at_checkout_completes_the_order(client, paypal_simulator):
    from comptoir.checkout.testing import place_test_order

    enable_paypal()
    product = make_product(price_amount=Decimal("100.00"), stock=5)
    order = place_test_order([(product, 1)], payment_method=Order.PaymentMethod.PAYPAL,
                             delivery_kind="pickup")
    invoice = order.invoice
    assert invoice.total_amount == Decimal("114.98")

    # The storefront sends the payer to the payment page, which goes straight on to PayPal.
    page = client.get(reverse("pay:invoice", kwargs={"token": invoice.payment_token}))
    assert b'id="pay-form" data-autostart' in page.content
    assert b"paypal/autostart.js" in page.content

    answer = pay_on_simulator(client, paypal_simulator, invoice)
    assert "Merci" in answer.content.decode()
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert order.status == Order.Status.COMPLETED
    [payment] = Payment.objects.filter(invoice=invoice)
    assert (payment.method, payment.amount) == (Payment.Method.PAYPAL, Decimal("114.98"))
    paypal_order = next(iter(paypal_simulator.state.orders.values()))
    unit = paypal_order["purchase_units"][0]
    assert unit["amount"] == {"currency_code": "CAD", "value": "114.98"}
    assert unit["invoice_id"] == invoice.reference
    assert payment.provider_reference == unit["payments"]["captures"][0]["id"]
    assert payment_messages(order) == expected_payment_messages(order)
    assert Product.objects.get(pk=product.pk).stock == 4


def test_flow_c_payment_link_leaves_the_order_status_alone(client, paypal_simulator, settings):
    enable_paypal()
    order, invoice = make_invoiced_order(payment_method="cheque", status="awaiting_payment")
    url = payment_url(invoice)
    assert url == f"{settings.SITE_URL}/fr/payer/{invoice.payment_token}/"

    page = client.get(urlsplit(url).path)
    content = page.content.decode()
    assert "Payer la facture" in content and "Payer avec PayPal" in content
    assert invoice.reference in content and "114,98" in content
    assert b"data-autostart" not in page.content  # a link never leaves on its own
    assert b"paypal/autostart.js" not in page.content

    pay_on_simulator(client, paypal_simulator, invoice)
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert payment_messages(order) == expected_payment_messages(order)

    # Replaying the return URL changes nothing and sends nothing again.
    checkout = PayPalCheckout.objects.get(invoice=invoice)
    client.get(page_url(invoice) + f"retour/?token={checkout.paypal_order_id}")
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert payment_messages(order) == expected_payment_messages(order)


def test_english_invoice_gets_an_english_link_and_page(client, paypal_simulator, settings):
    enable_paypal()
    _order, invoice = make_invoiced_order(language="en")
    url = payment_url(invoice)
    assert url == f"{settings.SITE_URL}/en/payer/{invoice.payment_token}/"
    content = client.get(urlsplit(url).path).content.decode()
    assert "Pay with PayPal" in content and "$114.98" in content


def test_paid_invoice_shows_it_is_paid_and_takes_no_payment(client, paypal_simulator):
    from comptoir.payments.services import record_payment

    enable_paypal()
    _order, invoice = make_invoiced_order()
    record_payment(invoice, method=Payment.Method.CHEQUE)
    assert payment_url(invoice) is None
    content = client.get(page_url(invoice)).content.decode()
    assert "Cette facture est payée" in content and "Payer avec PayPal" not in content
    answer = client.post(page_url(invoice) + "paypal/", follow=True)
    assert "déjà payée" in answer.content.decode()
    assert not PayPalCheckout.objects.exists() and not paypal_simulator.state.orders


def test_cancelled_invoice_refuses_payment(client, paypal_simulator):
    from comptoir.invoicing.services import issue_credit_note

    enable_paypal()
    _order, invoice = make_invoiced_order()
    issue_credit_note(invoice, reason="Erreur")
    assert payment_url(invoice) is None
    content = client.get(page_url(invoice)).content.decode()
    assert "annulée" in content and "Payer avec PayPal" not in content
    answer = client.post(page_url(invoice) + "paypal/", follow=True)
    assert "annulée" in answer.content.decode()
    assert not PayPalCheckout.objects.exists()


def test_no_payment_link_when_paypal_is_off_or_not_configured(paypal_simulator, settings):
    _order, invoice = make_invoiced_order()
    enable_paypal(paypal_enabled=False)
    assert payment_url(invoice) is None
    enable_paypal()
    assert payment_url(invoice) is not None
    settings.PAYPAL_CLIENT_ID = ""
    assert payment_url(invoice) is None


def test_no_request_parameter_sets_the_amount(client, paypal_simulator):
    enable_paypal()
    _order, invoice = make_invoiced_order()
    go_to_paypal(client, invoice, amount="1.00", value="1.00", currency_code="USD")
    paypal_order = next(iter(paypal_simulator.state.orders.values()))
    assert paypal_order["purchase_units"][0]["amount"] == {"currency_code": "CAD", "value": "114.98"}


def test_partly_paid_invoice_is_paid_for_its_balance(client, paypal_simulator):
    from comptoir.payments.services import record_payment

    enable_paypal()
    _order, invoice = make_invoiced_order(payment_method="cheque")
    record_payment(invoice, method=Payment.Method.CHEQUE, amount=Decimal("14.98"))
    pay_on_simulator(client, paypal_simulator, invoice)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert sorted(p.amount for p in invoice.payments.all()) == [Decimal("14.98"), Decimal("100.00")]


def test_return_without_approval_marks_nothing_paid(client, paypal_simulator):
    enable_paypal()
    order, invoice = make_invoiced_order()
    approve_url = go_to_paypal(client, invoice)
    paypal_order_id = approve_url.split("token=")[1]
    # The payer (or anyone) opens the return URL without approving on PayPal.
    answer = client.get(page_url(invoice) + f"retour/?token={paypal_order_id}", follow=True)
    assert "pas été effectué" in answer.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID and not Payment.objects.exists()
    event = order.events.get(kind=OrderEvent.Kind.PAYMENT_FAILED)
    assert event.data["code"] == "not_captured"
    client.get(page_url(invoice) + f"retour/?token={paypal_order_id}")  # replayed: no second entry
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_FAILED).count() == 1
    assert not Payment.objects.exists()


def test_return_with_a_capture_for_another_amount_marks_nothing_paid(client, paypal_simulator):
    enable_paypal()
    order, invoice = make_invoiced_order()
    approve_url = go_to_paypal(client, invoice)
    paypal_order_id = approve_url.split("token=")[1]
    # Someone altered the PayPal order: the capture is for $1.00.
    paypal_simulator.order(paypal_order_id)["purchase_units"][0]["amount"]["value"] = "1.00"
    paypal_simulator.approve(paypal_order_id)
    answer = client.get(page_url(invoice) + f"retour/?token={paypal_order_id}", follow=True)
    assert "ne pas payer de nouveau" in answer.content.decode()
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID and not Payment.objects.exists()
    assert order.status == Order.Status.NEW
    assert PayPalCheckout.objects.get().status == PayPalCheckout.Status.NEEDS_ATTENTION
    event = order.events.get(kind=OrderEvent.Kind.PAYMENT_FAILED)
    assert event.data["code"] == "mismatch" and event.data["amount"] == "1.00"
    assert not payment_messages(order)


def test_return_for_a_paypal_order_of_another_invoice_is_refused(client, paypal_simulator):
    enable_paypal()
    _order, invoice = make_invoiced_order()
    _other_order, other = make_invoiced_order(email="autre@example.test")
    approve_url = go_to_paypal(client, other)
    paypal_order_id = approve_url.split("token=")[1]
    paypal_simulator.approve(paypal_order_id)
    client.get(page_url(invoice) + f"retour/?token={paypal_order_id}")
    assert not Payment.objects.exists()
    assert paypal_simulator.order(paypal_order_id)["status"] == "APPROVED"  # nothing captured


def test_paypal_down_keeps_the_order_and_retry_charges_once(client, paypal_simulator):
    enable_paypal()
    order, invoice = make_invoiced_order()
    paypal_simulator.set_mode("fail")
    answer = client.post(page_url(invoice) + "paypal/", follow=True)
    assert "ne répond pas" in answer.content.decode()
    checkout = PayPalCheckout.objects.get()
    assert checkout.status == PayPalCheckout.Status.NEW and checkout.last_error
    assert Order.objects.filter(pk=order.pk).exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID

    paypal_simulator.set_mode("normal")
    pay_on_simulator(client, paypal_simulator, invoice)
    assert PayPalCheckout.objects.get().request_id == checkout.request_id  # same attempt, same id
    assert len(paypal_simulator.state.orders) == 1
    assert Payment.objects.filter(invoice=invoice).count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_paypal_down_at_capture_is_settled_later(client, paypal_simulator):
    from comptoir.paypal.reconciliation import reconcile_pending_checkouts

    enable_paypal()
    _order, invoice = make_invoiced_order()
    paypal_order_id = go_to_paypal(client, invoice).split("token=")[1]
    paypal_simulator.approve(paypal_order_id)
    paypal_simulator.set_mode("fail")
    answer = client.get(page_url(invoice) + f"retour/?token={paypal_order_id}", follow=True)
    assert "ne répond pas" in answer.content.decode()
    assert not Payment.objects.exists()

    paypal_simulator.set_mode("normal")
    outcomes = reconcile_pending_checkouts(older_than=__import__("datetime").timedelta(0))
    assert outcomes == {"completed": 1}
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_declined_payment_leaves_invoice_unpaid_and_can_be_retried(client, paypal_simulator):
    enable_paypal()
    order, invoice = make_invoiced_order()
    paypal_simulator.set_mode("decline")
    answer = pay_on_simulator(client, paypal_simulator, invoice)
    assert "refusé" in answer.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID
    assert order.events.get(kind=OrderEvent.Kind.PAYMENT_FAILED).data["code"] == "declined"
    assert PayPalCheckout.objects.get().status == PayPalCheckout.Status.DECLINED

    paypal_simulator.set_mode("normal")
    pay_on_simulator(client, paypal_simulator, invoice)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert PayPalCheckout.objects.count() == 2 and Payment.objects.count() == 1


def test_cancelling_on_paypal_changes_nothing(client, paypal_simulator):
    import httpx

    enable_paypal()
    _order, invoice = make_invoiced_order()
    paypal_order_id = go_to_paypal(client, invoice).split("token=")[1]
    back = httpx.post(f"{paypal_simulator.base_url}/checkoutnow",
                      data={"token": paypal_order_id, "action": "cancel"}).headers["Location"]
    parts = urlsplit(back)
    answer = client.get(f"{parts.path}?{parts.query}", follow=True)
    assert "annulé le paiement" in answer.content.decode()
    assert PayPalCheckout.objects.get().status == PayPalCheckout.Status.CANCELLED
    assert not Payment.objects.exists()


def test_clicking_twice_reuses_the_same_paypal_order(client, paypal_simulator):
    enable_paypal()
    _order, invoice = make_invoiced_order()
    assert go_to_paypal(client, invoice) == go_to_paypal(client, invoice)
    assert PayPalCheckout.objects.count() == 1 and len(paypal_simulator.state.orders) == 1


def test_payment_page_runs_a_constant_number_of_queries(client, paypal_simulator,
                                                        django_assert_max_num_queries):
    enable_paypal()
    _order, small = make_invoiced_order()
    products = [(make_product(), 1) for _ in range(25)]
    _order, large = make_invoiced_order(products_and_quantities=products, email="x@example.test")
    assert large.lines.count() == 25
    with django_assert_max_num_queries(8) as small_queries:
        client.get(page_url(small))
    with django_assert_max_num_queries(8) as large_queries:
        client.get(page_url(large))
    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)


def test_slow_paypal_gives_a_clear_message_and_the_retry_reuses_the_attempt(client, paypal_simulator,
                                                                             settings):
    enable_paypal()
    _order, invoice = make_invoiced_order()
    settings.PAYPAL_TIMEOUT = 0.3
    paypal_simulator.set_mode("slow", delay=1)
    answer = client.post(page_url(invoice) + "paypal/", follow=True)
    assert "ne répond pas" in answer.content.decode()
    attempt = PayPalCheckout.objects.get()

    paypal_simulator.set_mode("normal")
    pay_on_simulator(client, paypal_simulator, invoice)
    # PayPal may have created the order during the slow call: the same request id got it back.
    assert len(paypal_simulator.state.orders) == 1
    assert PayPalCheckout.objects.get().request_id == attempt.request_id
    assert Payment.objects.filter(invoice=invoice).count() == 1
