"""In a browser, in French: « Envoyer un rappel maintenant » on the « Facture » tab, and the
reminder the customer receives (real SMTP server)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from comptoir.core.testing import make_delivery_methods, make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.services import issue_invoice
from comptoir.notifications.services import deliver_pending

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_send_a_reminder_now_from_the_invoice_tab(page, live_server, smtp_server, settings):
    settings.SITE_URL = live_server.url
    make_delivery_methods()
    make_shop(reminders_enabled=True)
    make_staff_user(username="marchand", password=PASSWORD)
    order = make_order([(make_product(price_amount=Decimal("40.00")), 1)], delivery_kind="pickup",
                       email="marie@example.test")
    invoice = issue_invoice(order)

    sign_in(page, live_server)
    page.goto(f"{live_server.url}/fr/gestion/commandes/{order.number}/facture/")
    reminders = page.get_by_role("region", name="Rappels de paiement")
    expect(reminders.get_by_text("Aucun rappel envoyé pour l'instant.")).to_be_visible()
    reminders.get_by_role("button", name="Envoyer un rappel maintenant").click()
    expect(page.get_by_text("Un rappel de paiement est en route vers marie@example.test.")).to_be_visible()
    sent = page.get_by_role("region", name="Rappels de paiement").get_by_text("Rappel envoyé à la main")
    expect(sent).to_be_visible()

    page.get_by_role("button", name="Désactiver les rappels pour cette commande").click()
    expect(page.get_by_text("Les rappels de paiement sont désactivés pour cette commande.")).to_be_visible()
    expect(page.get_by_role("button", name="Réactiver les rappels pour cette commande")).to_be_visible()

    assert deliver_pending() == 1
    [message] = smtp_server.to("marie@example.test")
    assert message["Subject"].strip() == (
        f"Rappel : facture {invoice.reference} en attente de paiement – Délices du Comptoir")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Solde à payer" in text and "Faites votre chèque à l'ordre des Délices du Comptoir inc." in text
