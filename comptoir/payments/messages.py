"""The invoice email, with its payment link when one applies."""

from comptoir.invoicing.messages import queue_invoice_email
from comptoir.invoicing.models import Invoice
from comptoir.notifications.models import Notification

from .links import payment_url


def send_invoice_email(invoice: Invoice, *, actor=None) -> Notification:
    """« Envoyer par courriel »: the invoice PDF, and a payment link only while a balance is due
    and online payment is on (never on a paid invoice or one settled at the shop's terminal)."""
    return queue_invoice_email(invoice, actor=actor, payment_url=payment_url(invoice) or "")
