"""The messages of an order (``orders/messages.py``): content, languages, recipients, dedupe."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from comptoir.core.money import format_amount
from comptoir.core.testing import make_order, make_product, make_shop
from comptoir.notifications.models import Notification
from comptoir.orders.messages import queue_order_placed_messages, queue_payment_confirmation_messages

pytestmark = pytest.mark.django_db


def confirmation_of(order) -> Notification:
    return Notification.objects.get(dedupe_key=f"order:{order.pk}:placed:customer")


def test_the_order_confirmation_carries_everything_the_consumer_protection_act_asks():
    make_shop(insurance_fee_amount=Decimal("2.50"))
    product = make_product(name_fr="Confiture de bleuets", price_amount=Decimal("40.00"))
    order = make_order([(product, 2)])

    queue_order_placed_messages(order)

    confirmation = confirmation_of(order)
    assert confirmation.recipient == "marie.tremblay@example.test"
    assert confirmation.language == "fr"
    assert confirmation.reference == f"order:{order.pk}"
    with translation.override("fr"):
        placed_on = formats.date_format(timezone.localtime(order.placed_at), "DATE_FORMAT")
    text = confirmation.body_text
    expected = [
        # the merchant
        "Les Délices du Comptoir inc.", "1234, rue Saint-Denis", "Montréal (QC) H2X 3J8",
        "514 555-0142", "bonjour@delices.test",
        # the customer and addresses
        "Bonjour Marie Tremblay,", "Adresse de facturation", "Adresse de livraison",
        "4567, avenue du Parc", "Montréal (QC)  H2V 4E7",
        # number and date
        f"commande nº {order.number} du {placed_on}",
        # each item: description, quantity, unit price, amount
        "Confiture de bleuets", "2 × 40,00\u00a0$ = 80,00\u00a0$",
        # fees, each tax with its rate, total and currency
        "Sous-total\u00a0: 80,00\u00a0$", "Livraison (Livraison à domicile)\u00a0: 12,00\u00a0$",
        "Frais d’assurance\u00a0: 2,50\u00a0$", "TPS 5\u00a0%\u00a0: 4,73\u00a0$",
        "TVQ 9,975\u00a0%\u00a0: 9,43\u00a0$", "Total (CAD)\u00a0: 108,66\u00a0$",
        # payment method and instructions; delivery method and delay; policy; link
        "Mode de paiement\u00a0: Chèque, mandat-poste ou virement",
        "Faites votre chèque à l'ordre des Délices du Comptoir inc.",
        "Type de livraison\u00a0: Livraison à domicile", "Délai prévu\u00a0: 3 à 5 jours ouvrables",
        "Politique de retour et d’annulation", "Retours acceptés sous 30 jours.",
        f"{settings.SITE_URL}/fr/", str(order.token),
    ]
    missing = [item for item in expected if item not in text]
    assert missing == []
    assert order.total_amount == Decimal("108.66")
    assert confirmation.subject == f"Confirmation de commande nº {order.number} – Délices du Comptoir"


def test_the_html_confirmation_shows_the_same_facts():
    make_shop(insurance_fee_amount=Decimal("2.50"))
    product = make_product(name_fr="Confiture de bleuets", price_amount=Decimal("40.00"))
    order = make_order([(product, 2)])

    queue_order_placed_messages(order)

    html = confirmation_of(order).body_html
    for item in [
        "Les Délices du Comptoir inc.", "1234, rue Saint-Denis", "514 555-0142", "bonjour@delices.test",
        "Marie Tremblay", "4567, avenue du Parc", f"Confirmation de commande nº {order.number}",
        "Confiture de bleuets", "40,00\u00a0$", "80,00\u00a0$", "Frais d’assurance", "2,50\u00a0$",
        "TPS 5\u00a0%", "TVQ 9,975\u00a0%", "4,73\u00a0$", "9,43\u00a0$", "Total (CAD)", "108,66\u00a0$",
        "Chèque, mandat-poste ou virement", "Faites votre chèque à l&#x27;ordre",
        "Livraison à domicile", "3 à 5 jours ouvrables", "Retours acceptés sous 30 jours.",
        f'href="{settings.SITE_URL}/fr/',
    ]:
        assert item in html, item
    assert '<html lang="fr">' in html


def test_an_english_customer_gets_an_english_confirmation():
    make_shop()
    order = make_order(language="en", email="john.smith@example.test")

    queue_order_placed_messages(order)

    confirmation = confirmation_of(order)
    text = confirmation.body_text
    assert confirmation.subject == f"Order confirmation no. {order.number} – Délices du Comptoir"
    assert "Thank you for your order." in text
    assert "GST 5%: $5.60" in text
    assert "QST 9.975%: $11.17" in text
    assert f"Total (CAD): {format_amount(order.total_amount, 'en')}" in text
    assert "Payment method: Cheque, money order or transfer" in text
    assert "Make your cheque payable to" in text
    assert "Delivery method: Home delivery" in text
    assert "Returns accepted within 30 days." in text
    assert f"{settings.SITE_URL}/en/" in text
    assert '<html lang="en">' in confirmation.body_html


def test_a_pickup_order_shows_the_store_instead_of_a_shipping_address():
    make_shop()
    order = make_order(delivery_kind="pickup")

    queue_order_placed_messages(order)

    text = confirmation_of(order).body_text
    assert "Cueillette en magasin\n  Délices du Comptoir\n  1234, rue Saint-Denis" in text
    assert "Adresse de livraison" not in text
    assert "Prête en 24 heures" in text


@pytest.mark.parametrize(
    ("setting", "channels"),
    [("email", ["email"]), ("sms", ["sms"]), ("both", ["email", "sms"]), ("none", [])],
)
def test_the_new_order_alert_goes_by_the_channels_the_merchant_chose(setting, channels):
    make_shop(alert_new_order=setting, alert_mobile="514 555-0142", alert_email="alertes@delices.test")
    order = make_order()

    queue_order_placed_messages(order)

    alerts = Notification.objects.filter(template="new_order").order_by("channel")
    assert [alert.channel for alert in alerts] == channels
    recipients = {alert.channel: alert.recipient for alert in alerts}
    assert recipients.get("email", "alertes@delices.test") == "alertes@delices.test"
    assert recipients.get("sms", "+15145550142") == "+15145550142"
    assert all(alert.reference == f"order:{order.pk}" for alert in alerts)


def test_no_sms_alert_without_a_mobile_number():
    make_shop(alert_new_order="both", alert_mobile="")
    order = make_order()

    queue_order_placed_messages(order)

    assert list(Notification.objects.filter(template="new_order").values_list("channel", flat=True)) == [
        "email"
    ]


def test_alerts_are_written_in_the_merchants_language():
    make_shop(alert_new_order="both", alert_mobile="514 555-0142", alert_language="en")
    order = make_order(language="fr")

    queue_order_placed_messages(order)

    sms = Notification.objects.get(template="new_order", channel="sms")
    email = Notification.objects.get(template="new_order", channel="email")
    assert sms.body_text == (
        f"Délices du Comptoir: new order no. {order.number} from Marie Tremblay, "
        f"{format_amount(order.total_amount, 'en')}."
    )
    assert email.subject.startswith(f"New order no. {order.number}")
    assert f"/en/gestion/commandes/{order.number}/" in email.body_text
    assert confirmation_of(order).language == "fr"


def test_each_message_of_an_order_is_recorded_once():
    make_shop(alert_new_order="both", alert_mobile="514 555-0142")
    order = make_order()

    first = queue_order_placed_messages(order)
    second = queue_order_placed_messages(order)

    assert [n.pk for n in first] == [n.pk for n in second]
    assert Notification.objects.count() == 3


@pytest.mark.parametrize(
    ("event", "template", "setting", "subject"),
    [
        ("received", "payment_received", "alert_payment_received", "Paiement reçu – commande nº"),
        ("recorded", "payment_recorded", "alert_payment_recorded", "Le paiement de la commande nº"),
    ],
)
def test_payment_confirmation_and_merchant_alert(event, template, setting, subject):
    make_shop(**{setting: "both"}, alert_mobile="514 555-0142")
    order = make_order()

    messages = queue_payment_confirmation_messages(order, event=event)
    again = queue_payment_confirmation_messages(order, event=event)

    assert [n.pk for n in again] == [n.pk for n in messages]
    customer, email, sms = messages
    assert customer.template == "payment_confirmation"
    assert customer.recipient == order.email
    assert customer.subject == f"Confirmation de paiement – commande nº {order.number} – Délices du Comptoir"
    assert "Nous avons bien reçu votre paiement" in customer.body_text
    assert (email.template, email.channel, sms.template, sms.channel) == (template, "email", template, "sms")
    assert email.subject.startswith(subject)
    assert str(order.number) in sms.body_text


def test_an_unknown_payment_event_is_refused_and_records_nothing():
    make_shop()
    order = make_order()

    with pytest.raises(ValueError):
        queue_payment_confirmation_messages(order, event="refunded")

    assert Notification.objects.count() == 0


def test_queueing_the_messages_takes_the_same_queries_for_1_or_20_lines():
    make_shop(alert_new_order="both", alert_mobile="514 555-0142")
    small = make_order([(make_product(), 1)])
    large = make_order([(make_product(), 1) for _ in range(20)])

    with CaptureQueriesContext(connection) as small_queries:
        queue_order_placed_messages(small)
    with CaptureQueriesContext(connection) as large_queries:
        queue_order_placed_messages(large)

    assert len(large_queries) == len(small_queries)


def test_the_payment_confirmation_states_the_payment_of_the_paid_invoice():
    from comptoir.invoicing.services import issue_invoice
    from comptoir.payments.models import Payment
    from comptoir.payments.services import record_payment

    make_shop(alert_payment_recorded="none")
    order = make_order()
    invoice = issue_invoice(order)
    record_payment(invoice, method=Payment.Method.CHEQUE)

    [confirmation] = queue_payment_confirmation_messages(order, event="recorded")

    amount = format_amount(order.total_amount, "fr")
    text = confirmation.body_text
    assert f"Nous avons bien reçu votre paiement de {amount} pour la commande nº {order.number}." in text
    assert f"Facture\u00a0: {invoice.reference}" in text
    assert "Mode de paiement\u00a0: Chèque" in text
    assert "Votre commande sera maintenant préparée et expédiée." in text


def test_without_payment_method_the_customer_is_told_the_invoice_will_follow():
    make_shop(order_details_only=True)
    order = make_order(payment_method="")

    queue_order_placed_messages(order)

    text = confirmation_of(order).body_text
    assert "Le marchand vous enverra la facture." in text
    assert "Mode de paiement" not in text


def test_a_payment_confirmation_without_recorded_payment_states_the_order_total():
    make_shop(alert_payment_received="none")
    order = make_order()

    [confirmation] = queue_payment_confirmation_messages(order, event="received")

    text = confirmation.body_text
    assert f"votre paiement de {format_amount(order.total_amount, 'fr')} pour" in text
    assert "Facture" not in text
    assert "Mode de paiement" not in text
