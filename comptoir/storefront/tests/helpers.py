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


def fill_in_checkout_details(page, *, postal_code="H2V 4E7"):
    """In a browser, on « Passer la commande »: a guest's contact and billing address (the
    delivery and payment choices are left to the test)."""
    contact = page.get_by_role("group", name="Coordonnées")
    contact.get_by_label("Courriel").fill("marie.tremblay@example.test")
    contact.get_by_label("Téléphone").fill("514 555-0199")
    billing = page.get_by_role("group", name="Adresse de facturation")
    billing.get_by_label("Prénom").fill("Marie")
    billing.get_by_label("Nom", exact=True).fill("Tremblay")
    billing.get_by_label("Adresse", exact=True).fill("4567, avenue du Parc")
    billing.get_by_label("Ville").fill("Montréal")
    billing.get_by_label("Province").select_option("QC")
    billing.get_by_label("Code postal").fill(postal_code)
