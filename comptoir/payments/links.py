"""Payment links: the public « Payer la facture » page of an unpaid invoice."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from comptoir.invoicing.models import Invoice


def payment_url(invoice: Invoice) -> str | None:
    """Absolute URL of the invoice's payment page, in the invoice's language.

    None when the invoice is not unpaid, or when PayPal is not enabled by the merchant or not
    configured (no credentials): an email must not carry a link that cannot take a payment.
    """
    from comptoir.paypal.services import paypal_available

    if invoice.status != Invoice.Status.UNPAID or not paypal_available():
        return None
    with translation.override(invoice.language or settings.LANGUAGE_CODE):
        path = reverse("pay:invoice", kwargs={"token": invoice.payment_token})
    return settings.SITE_URL + path
