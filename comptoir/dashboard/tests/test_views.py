"""Back-office pages: lists, search, filters, refusals shown as messages with nothing changed."""

import datetime
import html
import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from comptoir.core.testing import make_order, make_product
from comptoir.customers.models import Customer
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db
D = Decimal


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def numbers(response) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="order-(\d+)"', response.content.decode())]


def test_order_list_columns_and_badges(staff_client, shop):
    order = make_order(payment_method="cheque")
    record_payment(issue_invoice(order), method="cheque")
    page = text(staff_client.get(reverse("dashboard:order_list")))
    row = re.search(rf'<tr id="order-{order.number}".*?</tr>', page).group(0)
    for expected in [str(order.number), "Marie Tremblay", "128,77", "Chèque, mandat-poste ou virement",
                     "Nouvelle", "Payée", "Payée — prête à compléter"]:
        assert expected in row


def test_order_list_rows_escape_what_customers_typed(staff_client, shop):
    order = make_order(email="lea<x>@example.com")
    Customer.objects.filter(pk=order.customer_id).update(first_name="<b>Léa</b>", last_name='"Roy" & fils')
    page = staff_client.get(reverse("dashboard:order_list")).content.decode()
    row = re.search(rf'<tr id="order-{order.number}".*?</tr>', page, re.S).group(0)
    assert "&lt;b&gt;Léa&lt;/b&gt; &#34;Roy&#34; &amp; fils" in row or \
        "&lt;b&gt;Léa&lt;/b&gt; &quot;Roy&quot; &amp; fils" in row
    assert "lea&lt;x&gt;@example.com" in row
    assert "<b>" not in row and "<x>" not in row


def test_order_list_filters_and_search(staff_client, shop):
    first = make_order(email="alice@example.test")
    second = make_order(email="bob@example.test", status="awaiting_payment")
    Customer.objects.filter(email="bob@example.test").update(first_name="Robert", last_name="Lapointe")
    paid = make_order(email="carole@example.test", status="awaiting_payment")
    record_payment(issue_invoice(paid), method="cash")
    url = reverse("dashboard:order_list")
    assert numbers(staff_client.get(url)) == [paid.number, second.number, first.number]
    assert numbers(staff_client.get(url, {"status": "awaiting_payment"})) == [paid.number, second.number]
    assert numbers(staff_client.get(url, {"status": "ready"})) == [paid.number]
    assert numbers(staff_client.get(url, {"q": str(first.number)})) == [first.number]
    assert numbers(staff_client.get(url, {"q": f"#{second.number}"})) == [second.number]
    assert numbers(staff_client.get(url, {"q": "BOB@example"})) == [second.number]
    assert numbers(staff_client.get(url, {"q": "robert lapointe"})) == [second.number]
    assert numbers(staff_client.get(url, {"q": "personne"})) == []
    page = text(staff_client.get(url, {"status": "awaiting_payment"}))
    # Counts on the tabs of the orders waiting for the merchant.
    assert 'Nouvelle <span class="count">1</span>' in page
    assert 'En attente du paiement <span class="count">2</span>' in page
    assert 'Payée — prête à compléter <span class="count">1</span>' in page


def test_a_search_matching_many_customers_finds_all_their_orders(staff_client, shop, monkeypatch):
    from comptoir.orders import selectors

    orders = [make_order(email=f"client{n}@exemple.test") for n in range(4)]
    other = make_order(email="personne@ailleurs.test")
    url = reverse("dashboard:order_list")
    newest_first = [order.number for order in reversed(orders)]
    assert numbers(staff_client.get(url, {"q": "exemple"})) == newest_first  # ids read first
    monkeypatch.setattr(selectors, "SEARCH_CUSTOMER_CAP", 2)
    assert numbers(staff_client.get(url, {"q": "exemple"})) == newest_first  # broad: a subquery
    assert numbers(staff_client.get(url, {"q": "PERSONNE@ailleurs.test"})) == [other.number]


def pager(response) -> list[str]:
    nav = re.search(r'<nav class="pagination".*?</nav>', text(response))
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


def test_order_list_pagination(staff_client, shop):
    template = make_order()
    for n in range(60):
        copy = Order.objects.get(pk=template.pk)
        copy.pk, copy.number, copy.token = None, 5000 + n, uuid.uuid4()
        copy.save()
    url = reverse("dashboard:order_list")
    first = staff_client.get(url)
    assert numbers(first) == list(range(5059, 5009, -1))
    assert pager(first) == ["?avant=5010"]
    second = staff_client.get(url, {"avant": 5010})
    assert numbers(second) == [*range(5009, 4999, -1), template.number]
    assert pager(second) == ["?apres=5009"]
    back = staff_client.get(url, {"apres": 5009})
    assert numbers(back) == numbers(first)
    # The filter and the search stay on the next pages.
    assert pager(staff_client.get(url, {"status": "new", "q": "tremblay"})) == [
        "?status=new&q=tremblay&avant=5010"
    ]
    assert numbers(staff_client.get(url, {"avant": "abc"})) == numbers(first)


def test_unknown_order_is_404(staff_client, shop):
    assert staff_client.get(reverse("dashboard:order_detail", args=[999999])).status_code == 404


def test_order_page_shows_everything(staff_client, shop):
    order = make_order(payment_method="cheque")
    Notification.objects.create(
        channel="email", template="order_confirmation", recipient=order.email, subject="Votre commande",
        body_text="Merci pour votre commande 1001.", reference=f"order:{order.pk}", dedupe_key="x",
        status="failed", last_error="550 Boîte inexistante", attempts=3,
    )
    page = text(staff_client.get(reverse("dashboard:order_detail", args=[order.number])))
    for expected in ["Marie Tremblay", "4567, avenue du Parc", "marie.tremblay@example.test", "514 555-0199",
                     "Livraison à domicile", "Chèque, mandat-poste ou virement", "Faites votre chèque",
                     "Sous-total", "TPS 5 %", "TVQ 9,975 %", "128,77", "Enregistrer",
                     "Envoyer la confirmation de paiement", "Historique",
                     "Courriel « Confirmation de commande » à marie.tremblay@example.test",
                     "Échec", "550 Boîte inexistante", "Votre commande", "Merci pour votre commande 1001.",
                     "3 tentatives"]:
        assert expected in page, expected
    # Payment confirmation is disabled while the invoice is unpaid.
    assert re.search(r'<button type="submit" class="button" disabled[^>]*>Envoyer la confirmation', page)


def test_refused_status_change_shows_the_reason_and_changes_nothing(staff_client, shop):
    order = make_order(status="cancelled")
    response = staff_client.post(
        reverse("dashboard:order_change_status", args=[order.number]), {"status": "new"}, follow=True
    )
    assert "Une commande « Annulée » ne peut pas devenir « Nouvelle »." in text(response)
    order.refresh_from_db()
    assert order.status == "cancelled" and order.events.count() == 0


def test_bad_status_value_is_refused(staff_client, shop):
    order = make_order()
    response = staff_client.post(
        reverse("dashboard:order_change_status", args=[order.number]), {"status": "paid"}, follow=True
    )
    assert "Statut de la commande" in text(response)
    order.refresh_from_db()
    assert order.status == "new"


def test_bad_line_input_is_refused(staff_client, shop):
    order = make_order()
    line = order.lines.get()
    before = (line.quantity, line.unit_price_amount, order.total_amount)
    for payload in [{"quantity": 0, "unit_price": "10"}, {"quantity": 1, "unit_price": "-5"},
                    {"quantity": "x", "unit_price": "10"}, {"quantity": 1, "unit_price": "dix"}]:
        response = staff_client.post(
            reverse("dashboard:order_update_line", args=[order.number, line.pk]), payload, follow=True
        )
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"])
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.quantity, line.unit_price_amount, order.total_amount) == before


def test_add_line_refused_when_out_of_stock(staff_client, shop):
    order = make_order()
    product = make_product(name_fr="Savon lavande", stock=1)
    response = staff_client.post(
        reverse("dashboard:order_add_line", args=[order.number]), {"product": product.pk, "quantity": 5},
        follow=True,
    )
    assert "Il ne reste que 1 en stock pour « Savon lavande »." in text(response)
    assert order.lines.count() == 1
    product.refresh_from_db()
    assert product.stock == 1


def test_line_of_another_order_is_404(staff_client, shop):
    order, other = make_order(), make_order()
    response = staff_client.post(
        reverse("dashboard:order_remove_line", args=[order.number, other.lines.get().pk])
    )
    assert response.status_code == 404
    assert other.lines.count() == 1


def test_invoice_created_once(staff_client, shop):
    order = make_order()
    url = reverse("dashboard:invoice_create", args=[order.number])
    staff_client.post(url)
    response = staff_client.post(url, follow=True)
    assert "Cette commande a déjà une facture." in text(response)
    assert Invoice.objects.filter(order=order).count() == 1


def test_cancelled_order_cannot_be_invoiced(staff_client, shop):
    order = make_order(status="cancelled")
    response = staff_client.post(reverse("dashboard:invoice_create", args=[order.number]), follow=True)
    assert "annulée" in text(response)
    assert not Invoice.objects.filter(order=order).exists()


def test_invoice_editor_refusals_change_nothing(staff_client, shop):
    order = make_order()
    invoice = issue_invoice(order)
    url = reverse("dashboard:invoice_edit", args=[order.number])
    # A forged method is a form error.
    response = staff_client.post(url, {"method": "bitcoin", "amount": "1,00"})
    assert response.status_code == 200 and "bitcoin" in text(response)
    # PayPal payments cannot be typed in by hand.
    staff_client.post(url, {"method": "paypal", "amount": "1,00"})
    assert Payment.objects.count() == 0
    # Garbage and ambiguous amounts are form errors, translated.
    assert "Saisissez un montant en dollars et en cents" in text(staff_client.post(url, {"amount": "dix"}))
    assert "peut se lire de deux façons" in text(staff_client.post(url, {"amount": "1,000"}))
    # Too much without « Confirmer le trop-perçu »: refused.
    assert "trop-perçu" in text(staff_client.post(url, {"amount": "999,00"}, follow=True))
    assert Payment.objects.count() == 0
    # No request parameter sets the status: « Payée » with one dollar records one dollar.
    staff_client.post(url, {"method": "cash", "amount": "1,00", "status": "paid"})
    invoice.refresh_from_db()
    assert invoice.status == "unpaid" and invoice.paid_amount == Decimal("1.00")
    record_payment(invoice, method="cash")
    # A paid invoice takes no more money unless the overpayment is confirmed.
    response = staff_client.post(url, {"method": "cash", "amount": "5,00"}, follow=True)
    assert "déjà payée" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == "paid" and Payment.objects.count() == 2


def test_cancelled_invoice_takes_no_payment(staff_client, shop):
    order = make_order()
    invoice = issue_invoice(order)
    issue_credit_note(invoice)
    response = staff_client.post(
        reverse("dashboard:invoice_edit", args=[order.number]), {"method": "cash", "status": "paid"}
    )
    assert "annulée" in text(response)
    assert Payment.objects.count() == 0


def test_invoice_list_shows_invoices_and_credit_notes(staff_client, shop):
    order = make_order()
    invoice = issue_invoice(order)
    note = issue_credit_note(invoice, reason="Erreur")
    page = text(staff_client.get(reverse("dashboard:invoice_list")))
    assert invoice.reference in page and note.reference in page and "Annulée" in page
    assert f"Actions pour la facture {invoice.reference}" in page
    response = staff_client.get(reverse("dashboard:credit_note_pdf", args=[note.number]))
    assert response["Content-Type"] == "application/pdf"
    assert note.reference in response["Content-Disposition"]
    searched = text(staff_client.get(reverse("dashboard:invoice_list"), {"q": invoice.reference}))
    assert invoice.reference in searched


def test_invoice_list_is_walked_by_invoice_number(staff_client, shop):
    template = issue_invoice(make_order())
    for n in range(55):
        copy = Invoice.objects.get(pk=template.pk)
        copy.pk, copy.number, copy.payment_token = None, 7000 + n, uuid.uuid4()
        copy.order = copy.current_for = make_order(email=f"client{n}@example.test")
        copy.save()

    def invoice_numbers(response):
        return [int(n) for n in re.findall(r'<tr id="invoice-(\d+)"', response.content.decode())]

    url = reverse("dashboard:invoice_list")
    first = staff_client.get(url)
    assert invoice_numbers(first) == list(range(7054, 7004, -1))
    assert pager(first) == ["?avant=7005"]
    second = staff_client.get(url, {"avant": 7005})
    assert invoice_numbers(second) == [*range(7004, 6999, -1), template.number]
    assert pager(second) == ["?apres=7004"]
    assert invoice_numbers(staff_client.get(url, {"apres": 7004})) == invoice_numbers(first)
    assert "Factures plus anciennes" in text(first) and "Factures plus récentes" in text(second)


def test_customers_accounts_and_guests(staff_client, shop):
    make_order(email="invite@example.test")
    user = get_user_model().objects.create_user("paul", email="paul@example.test", password="x" * 12)
    Customer.objects.create(user=user, email="paul@example.test", first_name="Paul", last_name="Roy")
    page = text(staff_client.get(reverse("dashboard:customer_list")))
    assert "invite@example.test" in page and "Paul Roy" in page
    assert "Invité" in page and "Client" in page
    assert "Paul Roy" not in text(staff_client.get(reverse("dashboard:customer_list"), {"q": "invite"}))
    guest = Customer.objects.get(email="invite@example.test")
    detail = text(staff_client.get(reverse("dashboard:customer_detail", args=[guest.pk])))
    assert "4567, avenue du Parc" in detail and str(guest.orders.get().number) in detail


def test_back_office_in_english(staff_client, shop):
    order = make_order()
    page = text(staff_client.get(f"/en/gestion/commandes/{order.number}/"))
    for expected in ["Orders", "Order status", "Save", "Send payment confirmation", "New", "GST 5%"]:
        assert expected in page, expected


def test_payment_confirmation_refused_then_sent_once(staff_client, shop):
    order = make_order()
    url = reverse("dashboard:order_send_payment_confirmation", args=[order.number])
    response = staff_client.post(url, follow=True)
    assert "une fois la facture payée" in text(response)
    assert Notification.objects.count() == 0
    record_payment(issue_invoice(order), method="transfer")
    staff_client.post(url)
    count = Notification.objects.count()
    assert count >= 2
    response = staff_client.post(url, follow=True)
    assert "déjà été envoyée" in text(response)
    assert Notification.objects.count() == count
    assert "Envoyée le" in text(staff_client.get(reverse("dashboard:order_detail", args=[order.number])))


def test_timeline_sentences(staff_client, shop, merchant):
    from comptoir.invoicing.services import change_order_status
    from comptoir.orders.services import add_order_line, update_order_line

    order = make_order()
    jam = make_product(name_fr="Confiture", name_en="Jam", price_amount=D("4.00"), stock=5)
    add_order_line(order, product=jam, quantity=2, actor=merchant)
    update_order_line(order.lines.get(product=jam), quantity=3, unit_price_amount=D("3.50"), actor=merchant)
    change_order_status(order, to="cancelled", actor=merchant)
    page = text(staff_client.get(reverse("dashboard:order_detail", args=[order.number])))
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "Ligne ajoutée : 2 × Confiture à 4,00 $" in page
    assert "Ligne modifiée : Confiture, quantité 2 → 3, prix unitaire 4,00 $ → 3,50 $" in page
    assert "Statut modifié de « Nouvelle » à « Annulée » — Julie Gagnon" in page
    english = text(staff_client.get(f"/en/gestion/commandes/{order.number}/"))
    assert "Line added: 2 × Jam at $4.00" in english
    assert "Status changed from “New” to “Cancelled”" in english


def test_customer_search_ignores_accents_and_case():
    from comptoir.dashboard.selectors import customer_list

    gagne = Customer.objects.create(email="m.gagne@example.com", first_name="Éloïse", last_name="Gagné")
    Customer.objects.create(email="autre@example.com", first_name="Paul", last_name="Tremblay")
    assert list(customer_list(search="Gagne")) == [gagne]
    assert list(customer_list(search="GAGNÉ eloise")) == [gagne]
    assert list(customer_list(search="m.gagne@")) == [gagne]
    gagne.last_name = "Bouchard"
    gagne.save(update_fields=["last_name"])
    assert list(customer_list(search="bouchard")) == [gagne]


@pytest.mark.parametrize("django_format", [
    "d/m/Y H:i", "Y-m-d H:i", "j N Y, H:i", "d.m.y s", "\\d\\e d", "N j, Y, P", "100% d", "D d M Y",
])
def test_the_order_lists_dates_are_what_djangos_date_format_writes(django_format):
    from django.utils import dateformat, translation

    from comptoir.dashboard.order_rows import date_formatter

    placed = timezone.localtime(datetime.datetime(2026, 3, 7, 4, 5, 9, tzinfo=datetime.UTC))
    for language in ("fr", "en"):
        with translation.override(language):
            assert date_formatter(django_format)(placed) == dateformat.format(placed, django_format)
