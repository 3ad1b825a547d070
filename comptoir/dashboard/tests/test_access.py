"""Only staff reach the back-office: anonymous -> login page, customers -> 403, forged POSTs
change nothing; the login refuses customer accounts with a clear message."""

import pytest
from django.urls import reverse

from comptoir.core.testing import make_order, make_product
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order, OrderEvent, OrderLine
from comptoir.payments.models import Payment

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(shop):
    """An order with an invoice and a credit note, and an order without invoice."""
    invoiced = make_order()
    invoice = issue_invoice(invoiced)
    cancelled = make_order()
    issue_credit_note(issue_invoice(cancelled), reason="test")
    editable = make_order()
    product = make_product()
    return {
        "invoiced": invoiced, "invoice": invoice, "editable": editable, "product": product,
        "line": editable.lines.get(), "credit_note": CreditNote.objects.get(),
    }


def get_urls(data):
    number, editable = data["invoiced"].number, data["editable"].number
    return [
        reverse("dashboard:home"),
        reverse("dashboard:order_list"),
        reverse("dashboard:order_detail", args=[number]),
        reverse("dashboard:order_invoice", args=[number]),
        reverse("dashboard:invoice_create", args=[editable]),
        reverse("dashboard:invoice_edit", args=[number]),
        reverse("dashboard:invoice_list"),
        reverse("dashboard:invoice_pdf", args=[data["invoice"].number]),
        reverse("dashboard:credit_note_pdf", args=[data["credit_note"].number]),
        reverse("dashboard:customer_list"),
        reverse("dashboard:customer_detail", args=[data["invoiced"].customer_id]),
    ]


def post_requests(data):
    """Every state-changing POST, with the data a merchant would send."""
    invoiced, editable, line = data["invoiced"], data["editable"], data["line"]
    return [
        (reverse("dashboard:order_change_status", args=[editable.number]), {"status": "cancelled"}),
        (reverse("dashboard:order_add_line", args=[editable.number]),
         {"product": data["product"].pk, "quantity": 1}),
        (reverse("dashboard:order_update_line", args=[editable.number, line.pk]),
         {"quantity": 3, "unit_price": "1.00"}),
        (reverse("dashboard:order_remove_line", args=[editable.number, line.pk]), {}),
        (reverse("dashboard:order_send_payment_confirmation", args=[invoiced.number]), {}),
        (reverse("dashboard:invoice_create", args=[editable.number]), {}),
        (reverse("dashboard:invoice_edit", args=[invoiced.number]), {"status": "paid", "method": "cash"}),
        (reverse("dashboard:invoice_send", args=[data["invoice"].number]), {}),
    ]


def world():
    """A fingerprint of everything a back-office action can change."""
    return (
        list(Order.objects.order_by("pk").values_list("status", "total_amount", "updated_at")),
        list(OrderLine.objects.order_by("pk").values_list("quantity", "unit_price_amount")),
        OrderEvent.objects.count(), Invoice.objects.count(),
        list(Invoice.objects.order_by("pk").values_list("status", flat=True)),
        Payment.objects.count(), CreditNote.objects.count(), Notification.objects.count(),
    )


def test_anonymous_is_sent_to_the_login_page(client, data):
    for url in get_urls(data):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/fr/gestion/connexion/?next="), url


def test_customer_account_gets_403(customer_client, data):
    for url in get_urls(data):
        assert customer_client.get(url).status_code == 403, url


def test_staff_reaches_every_page(staff_client, data):
    for url in get_urls(data):
        assert staff_client.get(url).status_code in (200, 302), url


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_forged_posts_change_nothing(client, customer_user, data, who):
    if who == "customer":
        client.force_login(customer_user)
    before = world()
    for url, payload in post_requests(data):
        response = client.post(url, payload)
        assert response.status_code == (302 if who == "anonymous" else 403), url
    assert world() == before


def test_posts_need_a_csrf_token(merchant, data):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(merchant)
    before = world()
    for url, payload in post_requests(data):
        assert client.post(url, payload).status_code == 403, url
    assert world() == before


def test_actions_refuse_get(staff_client, data):
    before = world()
    for url, _payload in post_requests(data):
        if "/facture/" in url and ("creer" in url or "modifier" in url):
            continue  # these pages show a form on GET
        assert staff_client.get(url).status_code == 405, url
    assert world() == before


def test_staff_login_and_logout(client, merchant):
    response = client.post(
        "/fr/gestion/connexion/", {"username": "marchand", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    assert "Tableau de bord" in response.content.decode() and "Commandes" in response.content.decode()
    response = client.post(reverse("dashboard:logout"))
    assert response["Location"] == reverse("dashboard:login")
    assert client.get(reverse("dashboard:order_list")).status_code == 302


def test_customer_account_cannot_log_in(client, customer_user):
    response = client.post("/fr/gestion/connexion/", {"username": "marie", "password": PASSWORD})
    assert response.status_code == 200
    assert "compte client" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused(client, merchant):
    response = client.post("/fr/gestion/connexion/", {"username": "marchand", "password": "non"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_goes_back_to_the_page_asked_for(client, merchant, shop):
    order = make_order()
    url = reverse("dashboard:order_detail", args=[order.number])
    response = client.post(
        f"/fr/gestion/connexion/?next={url}", {"username": "marchand", "password": PASSWORD, "next": url}
    )
    assert response["Location"] == url
