"""Chromium loads every main page of the storefront and the back-office under the
Content-Security-Policy without a single violation (no inline script, style or handler left)."""

import os
import re
from decimal import Decimal

import pytest

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import (
    make_category,
    make_delivery_methods,
    make_product,
    make_shop,
    make_staff_user,
    make_variant_product,
)
from comptoir.invoicing.services import issue_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "motdepasse-solide-42"

# Each page's securitypolicyviolation events, kept in the page (added before any script runs).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
                              + ` (${event.sourceFile}:${event.lineNumber})`);
});
"""


@pytest.fixture
def shop(db, settings):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # PayPal configured, so that the payment page shows its « Payer avec PayPal » form.
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client", "secret"
    make_shop(paypal_enabled=True)
    make_delivery_methods()
    category = make_category(name_fr="Cafés", slug="cafes")
    product = make_product(category=category, price_amount=Decimal("18.50"), stock=9, slug="cafe-maison",
                           name_fr="Café maison", name_en="House coffee")
    coffee = make_variant_product(category, slug="cafe-en-vrac", name_fr="Café en vrac")
    order = place_test_order([(product, 1)], delivery_kind="pickup")
    invoice = getattr(order, "invoice", None) or issue_invoice(order)
    owner = make_staff_user("proprietaire", PASSWORD, is_superuser=True)
    return {"category": category, "product": product, "order": order, "invoice": invoice, "owner": owner,
            "coffee": coffee}


class Violations:
    """Every CSP violation of the pages visited, from the event and from the console."""

    def __init__(self, page):
        self.page = page
        self.found = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.found.append(f"{self.page.url}: console: {message.text}")

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status < 400, (url, response.status)
        self.collect()

    def collect(self):
        self.page.wait_for_load_state("load")
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.found.append(f"{self.page.url}: {violation}")


def test_no_csp_violation_on_any_main_page(page, live_server, shop):
    base = live_server.url
    violations = Violations(page)
    product, order, invoice = shop["product"], shop["order"], shop["invoice"]

    # Both listeners see a violation when there is one (an inline style attribute).
    page.goto(f"{base}/fr/")
    page.evaluate("document.body.setAttribute('style', 'outline: 1px solid red')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "style-src-attr" in page.evaluate("window.__cspViolations[0]")
    assert any("Applying inline style violates" in found for found in violations.found)
    violations.found.clear()

    for path in ("/fr/", "/en/", f"/fr/categorie/{shop['category'].slug}/", f"/fr/produit/{product.slug}/",
                 "/fr/recherche/?q=caf", "/fr/compte/connexion/", "/fr/compte/inscription/",
                 "/fr/compte/mot-de-passe/", f"/fr/commande/{order.token}/",
                 f"/fr/commande/{order.token}/merci/", f"/fr/payer/{invoice.payment_token}/"):
        violations.visit(base + path)

    page.goto(f"{base}/fr/produit/{product.slug}/")
    page.locator("form.add-to-cart button[type=submit]").click()
    page.wait_for_url(re.compile(r"/fr/panier/$"))
    violations.collect()
    violations.visit(f"{base}/fr/caisse/")
    # A product sold by variant: its script follows the choice.
    violations.visit(f"{base}/fr/produit/cafe-en-vrac/")
    page.get_by_label("1 kg").check()
    violations.collect()

    violations.visit(f"{base}/fr/gestion/connexion/")
    page.fill("#id_username", "proprietaire")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/fr/gestion/"))
    violations.collect()
    for path in ("commandes/", f"commandes/{order.number}/", f"commandes/{order.number}/facture/",
                 f"commandes/{order.number}/facture/modifier/", "factures/", "clients/",
                 f"clients/{order.customer_id}/", "configuration/", "configuration/entreprise/",
                 "configuration/livraison/", "configuration/livraison/nouveau/",
                 "configuration/notifications/", "configuration/notifications/journal/",
                 "configuration/comptes/", "configuration/comptes/nouveau/", "produits/",
                 f"produits/{product.pk}/", "produits/nouveau/", f"produits/{shop['coffee'].pk}/",
                 f"produits/{shop['coffee'].pk}/variantes/", "categories/",
                 f"categories/{shop['category'].pk}/", "categories/nouvelle/", "rapprochement/",
                 "promotions/", "promotions/nouvelle/"):
        violations.visit(f"{base}/fr/gestion/{path}")
    page.screenshot_as("csp-back-office-categorie")

    assert violations.found == []
