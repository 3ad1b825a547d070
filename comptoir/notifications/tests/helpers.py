"""Small helpers shared by the notification tests."""

from email.message import EmailMessage

from comptoir.notifications.models import Notification
from comptoir.notifications.services import queue_notification


def queue_test_email(*, recipient="client@example.test", key="test:1", language="fr", instructions="",
                     **extra):
    """A real message of the catalogue (the customer's order confirmation) with a small context."""
    context = {
        "shop": {"display_name": "Délices du Comptoir", "legal_name": "Les Délices du Comptoir inc.",
                 "address": ["1234, rue Saint-Denis"], "email": "bonjour@delices.test"},
        "customer": {"name": "Marie Tremblay", "email": recipient},
        "order": {"number": 1001, "placed_on": "26 novembre 2026", "url": "http://shop.test/fr/c/1/",
                  "currency": "CAD", "subtotal_amount": "10.00", "shipping_amount": "0.00",
                  "insurance_amount": "0.00", "tax_total": "0.00", "total_amount": "10.00"},
        "lines": [{"name": "Confiture", "quantity": 1, "unit_price_amount": "10.00", "amount": "10.00"}],
        "taxes": [], "delivery": {"name": "Cueillette en magasin", "is_pickup": True},
        "payment": {"method": "cheque", "instructions": instructions}, "billing_address": ["Marie Tremblay"],
    }
    return queue_notification(
        channel=Notification.Channel.EMAIL, template="order_confirmation", recipient=recipient,
        language=language, context=context, dedupe_key=key, reference="order:1", **extra
    )


def queue_test_sms(*, recipient="514 555-0142", key="test:sms:1", language="fr"):
    context = {"shop": {"display_name": "Délices"}, "order": {"number": 1001, "total_amount": "10.00"},
               "customer": {"name": "Marie Tremblay"}}
    return queue_notification(
        channel=Notification.Channel.SMS, template="new_order", recipient=recipient,
        language=language, context=context, dedupe_key=key, reference="order:1",
    )


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
