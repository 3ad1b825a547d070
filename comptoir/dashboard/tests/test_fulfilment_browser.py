"""In a browser, in French: the merchant's daily batch work in « Commandes », and what the
customers receive and see."""

import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from comptoir.core.testing import make_delivery_methods, make_order, make_product, make_shop, make_staff_user
from comptoir.fulfilment.batch import render_batch_job
from comptoir.fulfilment.models import BatchJob, Shipment
from comptoir.invoicing.services import issue_invoice
from comptoir.notifications.services import deliver_pending
from comptoir.notifications.testing import fake_sms  # noqa: F401
from comptoir.orders.models import Order
from comptoir.payments.services import record_payment

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACKING = ["1111222233334444", "AB123456789CA", "5555666677778888"]


@pytest.fixture
def paid_orders(db):
    make_delivery_methods()
    make_shop()
    make_staff_user(username="marchand", password=PASSWORD, first_name="Julie", last_name="Gagnon")
    coffee = make_product(
        sku="CAF-001",
        name_fr="Café du matin",
        name_en="Morning coffee",
        price_amount=Decimal("12.50"),
        stock=50,
    )
    orders = []
    for index, (email, language) in enumerate(
        [("marie@example.test", "fr"), ("john@example.test", "en"), ("luc@example.test", "fr")]
    ):
        order = make_order([(coffee, index + 1)], email=email, language=language)
        record_payment(issue_invoice(order), method="cheque")
        orders.append(order)
    make_order([(coffee, 1)], email="impaye@example.test")  # unpaid: filtered out
    return orders


def select(page, orders):
    for order in orders:
        page.get_by_label(f"Sélectionner la commande {order.number}").check()


def print_batch(page, button: str) -> bytes:
    """Click a batch print button, let the worker render the job, download the PDF."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text("Le PDF est en préparation…")).to_be_visible()
    job = BatchJob.objects.order_by("-pk").first()
    assert render_batch_job(job.pk) == "done"  # what the background worker does
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_visible(timeout=15_000)  # page refresh
    href = page.get_by_role("link", name="Télécharger le PDF").get_attribute("href")
    response = page.request.get(page.url.split("/fr/")[0] + href)
    assert response.headers["content-type"] == "application/pdf"
    return response.body()


def test_batch_print_ship_and_notify(page, live_server, paid_orders, smtp_server, settings):
    settings.SITE_URL = live_server.url
    sign_in(page, live_server)
    # Filter: paid orders only.
    page.get_by_text("Filtres").click()
    page.get_by_label("Payée / non payée").select_option(label="Payée")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("table.orders tbody tr")).to_have_count(3)
    assert "paid=paid" in page.url

    select(page, paid_orders)
    slips = PdfReader(io.BytesIO(print_batch(page, "Imprimer les bordereaux")))
    assert len(slips.pages) == 3
    texts = [" ".join(p.extract_text().split()) for p in slips.pages]
    # Newest first, as in the list; each in its customer's language.
    assert [str(o.number) in t for o, t in zip(reversed(paid_orders), texts, strict=False)] == [True] * 3
    assert "BORDEREAU D'EXPÉDITION" in texts[0] and "PACKING SLIP" in texts[1]

    page.get_by_role("link", name="Retour aux commandes").click()
    select(page, paid_orders)
    invoices = PdfReader(io.BytesIO(print_batch(page, "Imprimer les factures")))
    assert len(invoices.pages) == 3
    assert [
        str(o.number) in p.extract_text() for o, p in zip(reversed(paid_orders), invoices.pages, strict=False)
    ] == [True] * 3

    page.get_by_role("link", name="Retour aux commandes").click()
    select(page, paid_orders)
    page.get_by_role("button", name="Marquer comme expédiées").click()
    expect(page.get_by_role("heading", name="Marquer comme expédiées")).to_be_visible()
    expect(page.get_by_label("Transporteur", exact=True)).to_have_value("canada_post")
    for order, number in zip(paid_orders, TRACKING, strict=False):
        page.get_by_label(f"Numéro de suivi de la commande {order.number}").fill(number)
    page.get_by_role("button", name="Marquer comme expédiées").click()
    expect(page.get_by_text("3 commande(s) marquée(s) comme expédiée(s)")).to_be_visible()
    for order in paid_orders:
        expect(page.locator(f"tr#order-{order.number} .fulfilment")).to_have_text("Expédiée")
    page.screenshot_as("commandes-expediees")

    # The outbox delivers the messages (the worker's job).
    assert deliver_pending() == 3
    for order, number in zip(paid_orders, TRACKING, strict=False):
        [message] = smtp_server.to(order.email)
        subject = str(message["Subject"]).strip()
        body = message.get_body(("plain",)).get_content()
        link = f"https://www.canadapost-postescanada.ca/track-reperage/{order.language}#/details/{number}"
        if order.language == "fr":
            assert subject.startswith(f"Votre commande a été expédiée – commande nº {order.number}")
        else:
            assert subject.startswith(f"Your order has been shipped – order no. {order.number}")
        assert link in body
        assert f'href="{link}"' in message.get_body(("html",)).get_content()

    # The customer's page (the link of the email) shows the parcel and its tracking link.
    marie = paid_orders[0]
    page.goto(live_server.url + marie.get_customer_url())
    expect(page.locator(".order-fulfilment")).to_contain_text("Expédiée")
    link = page.get_by_role("link", name=TRACKING[0])
    expect(link).to_have_attribute(
        "href", f"https://www.canadapost-postescanada.ca/track-reperage/fr#/details/{TRACKING[0]}"
    )
    assert Shipment.objects.count() == 3
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/fr/gestion/commandes/{marie.number}/")
    expect(page.locator("section.fulfilment")).to_contain_text("Colis 1")
    page.screenshot_as("commande-expediee")


def test_batch_with_a_cancelled_order_and_a_bad_number(page, live_server, paid_orders):
    cancelled = paid_orders[2]
    Order.objects.filter(pk=cancelled.pk).update(status="cancelled")
    sign_in(page, live_server)
    select(page, paid_orders)
    page.get_by_role("button", name="Marquer comme expédiées").click()
    page.get_by_label(f"Numéro de suivi de la commande {paid_orders[0].number}").fill(TRACKING[0])
    page.get_by_label(f"Numéro de suivi de la commande {paid_orders[1].number}").fill("12345")
    page.get_by_label(f"Numéro de suivi de la commande {cancelled.number}").fill(TRACKING[2])
    page.get_by_role("button", name="Marquer comme expédiées").click()
    expect(
        page.get_by_text(
            f"Commande {paid_orders[1].number} inchangée : « 12345 » n'est pas un numéro "
            "de suivi Postes Canada"
        )
    ).to_be_visible()
    expect(
        page.get_by_text(
            f"Commande {cancelled.number} inchangée : Une commande annulée ne peut pas être expédiée."
        )
    ).to_be_visible()
    assert list(Shipment.objects.values_list("order__number", flat=True)) == [paid_orders[0].number]
    assert list(
        Order.objects.filter(fulfilment_state="unfulfilled")
        .order_by("number")
        .values_list("number", flat=True)
    ) == sorted(
        [paid_orders[1].number, cancelled.number, Order.objects.get(email="impaye@example.test").number]
    )


def test_order_list_at_phone_width(page, live_server, paid_orders):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server)
    expect(page.locator("table.orders")).to_be_visible()
    page.screenshot_as("commandes-390px")
    # No horizontal scrolling: the page is no wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(f"tr#order-{paid_orders[0].number}").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert re.fullmatch(r"\d+", page.locator(".order-number").first.inner_text())


def test_pickup_ready_and_handed_over(page, live_server, smtp_server, fake_sms):  # noqa: F811
    make_delivery_methods()
    make_shop()
    make_staff_user(username="marchand", password=PASSWORD, first_name="Julie", last_name="Gagnon")
    order = make_order(delivery_kind="pickup", email="marie@example.test")
    Order.objects.filter(pk=order.pk).update(sms_consent=True)
    page.on("dialog", lambda dialog: dialog.accept())  # « Confirmer que le client a pris sa commande ? »
    sign_in(page, live_server)
    page.locator(f"tr#order-{order.number}").get_by_role("link", name=str(order.number), exact=True).click()
    card = page.locator("section.fulfilment")
    expect(card).to_contain_text("Non expédiée")
    card.get_by_role("button", name="Prête pour la cueillette").click()
    expect(page.get_by_text(f"La commande {order.number} est prête pour la cueillette.")).to_be_visible()
    assert deliver_pending() == 2  # the worker's job: one email, one SMS
    [email] = smtp_server.to("marie@example.test")
    assert str(email["Subject"]).strip().startswith("Votre commande est prête pour la cueillette")
    [sms] = fake_sms.to("+15145550199")
    assert f"commande no {order.number} est prête pour la cueillette" in sms["body"]

    page.locator("section.fulfilment").get_by_role("button", name="Remise au client").click()
    expect(page.get_by_text(f"La commande {order.number} a été remise au client.")).to_be_visible()
    expect(page.locator("section.fulfilment .badge")).to_have_text("Remise au client")
    expect(page.locator(".timeline")).to_contain_text("Remise au client")
    assert Order.objects.get(pk=order.pk).fulfilment_state == "picked_up"
    page.screenshot_as("commande-remise-au-client")
