import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_product, make_shop

from .helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    make_shop()
    return place_test_order([(make_product(name_fr="Tisane", price_amount=Decimal("100.00")), 1)])


def test_guest_order_page_by_its_unguessable_link(client, order):
    page = client.get(order.get_customer_url()).content.decode()
    assert f"Commande {order.number}" in page
    assert "Tisane" in page
    assert "TPS (5\u00a0%)" in page and "TVQ (9,975\u00a0%)" in page
    assert "Non payée" in page
    assert "Faites votre chèque" in page


def test_the_order_page_offers_its_invoice_and_credit_notes_as_pdf(client, order):
    from comptoir.invoicing.services import issue_credit_note

    invoice = order.invoice
    invoice_url = url("order_invoice_pdf", token=order.token)
    assert invoice_url in client.get(order.get_customer_url()).content.decode()
    response = client.get(invoice_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="facture-{invoice.reference}.pdf"' in response["Content-Disposition"]

    credit_note = issue_credit_note(invoice, reason="Commande annulée")
    credit_note_url = url("order_credit_note_pdf", token=order.token, number=credit_note.number)
    page = client.get(order.get_customer_url()).content.decode()
    assert credit_note.reference in page and credit_note_url in page
    response = client.get(credit_note_url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f'filename="note-de-credit-{credit_note.reference}.pdf"' in response["Content-Disposition"]


def test_invoice_pdfs_need_the_orders_own_token(client, order):
    from comptoir.invoicing.services import issue_credit_note

    other = place_test_order([(make_product(name_fr="Miel", price_amount=Decimal("10.00")), 1)])
    credit_note = issue_credit_note(other.invoice, reason="Erreur")
    assert client.get(url("order_invoice_pdf", token=uuid.uuid4())).status_code == 404
    # Another order's credit note is not reachable through this order's link.
    wrong = url("order_credit_note_pdf", token=order.token, number=credit_note.number)
    assert client.get(wrong).status_code == 404


def test_an_order_without_invoice_has_no_invoice_pdf(client):
    make_shop(order_details_only=True)
    details_only = place_test_order([(make_product(price_amount=Decimal("10.00")), 1)], payment_method="")
    assert client.get(url("order_invoice_pdf", token=details_only.token)).status_code == 404
    assert url("order_invoice_pdf", token=details_only.token) not in \
        client.get(details_only.get_customer_url()).content.decode()


def test_unknown_order_token_is_not_found(client, order):
    assert client.get(url("order_detail", token=uuid.uuid4())).status_code == 404


def test_confirmation_page_shows_the_number_and_instructions(client, order):
    page = client.get(url("order_confirmation", token=order.token)).content.decode()
    assert f"<strong>{order.number}</strong>" in page
    assert "Comment payer" in page and "Faites votre chèque" in page


def test_order_page_runs_a_constant_number_of_queries(client):
    make_shop()
    small = place_test_order([(make_product(), 1)])
    large = place_test_order([(make_product(), 1) for _ in range(25)])
    counts = []
    for order in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(order.get_customer_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_account_orders_need_login_and_show_only_mine(client, django_assert_max_num_queries):
    make_shop()
    user = get_user_model().objects.create_user("moi@example.test", "moi@example.test", "pw-solide-98765")
    mine = [place_test_order([(make_product(), 1)], email="moi@example.test", user=user) for _ in range(3)]
    other = place_test_order([(make_product(), 1)], email="autre@example.test")

    response = client.get(url("account_orders"))
    assert response.status_code == 302 and response.url.startswith(url("login"))

    client.force_login(user)
    with django_assert_max_num_queries(8):
        page = client.get(url("account_orders")).content.decode()
    for order in mine:
        assert order.get_customer_url() in page
    assert other.get_customer_url() not in page
    assert "Non payée" in page


def test_signup_login_and_logout(client):
    make_shop()
    response = client.post(url("signup"), {
        "first_name": "Léa", "last_name": "Gagnon", "email": "Lea@Example.test",
        "password1": "Bleuets-du-Lac-2026", "password2": "Bleuets-du-Lac-2026",
    })
    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.username == "lea@example.test" and not user.is_staff
    client.post(url("logout"))
    assert client.get(url("account_orders")).status_code == 302
    response = client.post(url("login"), {"username": "LEA@example.test", "password": "Bleuets-du-Lac-2026"})
    assert response.status_code == 302 and response.url == url("account_orders")


def test_signup_refuses_a_taken_email_and_changes_nothing(client):
    make_shop()
    get_user_model().objects.create_user("lea@example.test", "lea@example.test", "pw-solide-98765")
    response = client.post(url("signup"), {
        "first_name": "Léa", "last_name": "Gagnon", "email": "lea@example.test",
        "password1": "Bleuets-du-Lac-2026", "password2": "Bleuets-du-Lac-2026",
    })
    assert response.status_code == 200
    assert "Un compte existe déjà" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_wrong_password_gets_a_french_error(client):
    make_shop()
    response = client.post(url("login"), {"username": "personne@example.test", "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
