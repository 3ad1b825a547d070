"""Helpers for storefront tests: fill the checkout through the test client like a customer."""

from django.urls import reverse
from django.utils import translation


def url(name, language="fr", **kwargs):
    with translation.override(language):
        return reverse(f"storefront:{name}", kwargs=kwargs or None)


def details_post(delivery_method, *, payment_method="cheque", same_as_billing=True, **overrides):
    data = {
        "contact-email": "marie.tremblay@example.test",
        "contact-phone": "(514) 555-0199",
        "billing-first_name": "Marie",
        "billing-last_name": "Tremblay",
        "billing-line1": "4567, avenue du Parc",
        "billing-city": "Montréal",
        "billing-province": "QC",
        "billing-postal_code": "h2v4e7",
        "choice-delivery_method": str(delivery_method.pk),
        "choice-payment_method": payment_method,
    }
    if same_as_billing:
        data["choice-same_as_billing"] = "on"
    data.update(overrides)
    return data


def add_to_cart(client, product, quantity=1, language="fr"):
    return client.post(url("cart_add", language, slug=product.slug), {"quantity": str(quantity)})


def review_fields(response):
    """The hidden fields of the review form, as the browser would send them back."""
    form = response.context["form"]
    return {
        "checkout_token": form["checkout_token"].value(),
        "expected_total": str(form["expected_total"].value()),
    }
