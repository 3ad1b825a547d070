"""« Rembourser » in the back-office (Django test client)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core.testing import make_product
from comptoir.invoicing.models import CreditNote
from comptoir.notifications.models import Notification
from comptoir.payments.models import Refund
from comptoir.paypal.testing import make_invoiced_order, make_paypal_paid_order

pytestmark = pytest.mark.django_db


def test_refund_page_and_a_paypal_refund(staff_client, paypal_simulator, django_capture_on_commit_callbacks):
    products = [make_product(price_amount=Decimal(p), stock=5) for p in ("10.00", "20.00", "30.00")]
    order, invoice = make_paypal_paid_order(paypal_simulator, [(p, 1) for p in products],
                                            delivery_kind="pickup")
    url = reverse("dashboard:order_refund", args=[order.number])
    page = staff_client.get(url)
    assert page.status_code == 200
    line = invoice.lines.get(sku=products[1].sku)
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff_client.post(url, {f"quantity-{line.pk}": "1", f"restock-{line.pk}": "1"})
    assert answer.status_code == 302
    note = CreditNote.objects.get()
    assert note.total_amount == Decimal("-23.00")
    tab = staff_client.get(reverse("dashboard:order_invoice", args=[order.number])).content.decode()
    assert note.reference in tab and "23,00" in tab
    refund = Refund.objects.get()
    assert f'id="refund-{refund.pk}"' in tab
    staff_client.post(reverse("dashboard:credit_note_send", args=[note.number]))
    assert Notification.objects.filter(template="credit_note").count() == 2


def test_bad_quantity_changes_nothing(staff_client):
    order, invoice = make_invoiced_order(payment_method="cheque", delivery_kind="pickup")
    line = invoice.lines.get()
    url = reverse("dashboard:order_refund", args=[order.number])
    for data in ({f"quantity-{line.pk}": "abc"}, {f"quantity-{line.pk}": "5"}, {"amount": "-3"},
                 {"amount": "1,234"}, {}):
        answer = staff_client.post(url, data)
        assert answer.status_code == 200
    assert not CreditNote.objects.exists() and not Refund.objects.exists()


def test_french_amount_is_accepted(staff_client):
    order, invoice = make_invoiced_order(payment_method="cheque", delivery_kind="pickup")
    url = reverse("dashboard:order_refund", args=[order.number])
    assert staff_client.post(url, {"amount": "16,95"}).status_code == 302
    assert CreditNote.objects.get().subtotal_amount == Decimal("-16.95")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_cancelling_a_paid_order_tells_the_customer_and_leads_to_the_refund(
    staff_client, paypal_simulator, django_capture_on_commit_callbacks, language,
):
    order, invoice = make_paypal_paid_order(paypal_simulator, language=language, delivery_kind="pickup")
    answer = staff_client.post(reverse("dashboard:order_change_status", args=[order.number]),
                               {"status": "cancelled"})
    assert answer.url == reverse("dashboard:order_refund", args=[order.number])
    email = Notification.objects.get(template="order_cancelled")
    assert (email.recipient, email.language, email.context["paid"]) == (order.email, language, True)
    expected = "a été annulée" if language == "fr" else "has been cancelled"
    assert expected in email.body_text
    page = staff_client.get(answer.url).content.decode()
    assert "114,98" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(answer.url, {})
    refund = Refund.objects.get()
    assert (refund.method, refund.amount, refund.credit_note) == ("paypal", Decimal("114.98"), None)
    # Nothing more is owed: a second submit refunds nothing.
    staff_client.post(answer.url, {})
    assert Refund.objects.count() == 1


def test_cancelling_an_unpaid_order_tells_the_customer_without_refund(staff_client):
    order, invoice = make_invoiced_order(payment_method="cheque")
    answer = staff_client.post(reverse("dashboard:order_change_status", args=[order.number]),
                               {"status": "cancelled"})
    assert answer.url != reverse("dashboard:order_refund", args=[order.number])
    assert Notification.objects.get(template="order_cancelled").context["paid"] is False
