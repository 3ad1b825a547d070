"""A guest types a « Code promo » in the cart (French labels, real Chromium) and sees the discount
on the review, the confirmation and the invoice."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from comptoir.core.testing import make_category, make_delivery_methods, make_product, make_shop
from comptoir.orders.models import Order
from comptoir.promotions.models import Promotion, PromotionUsage

from .helpers import fill_in_checkout_details

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_tax_rates"),
]


def test_guest_enters_a_promo_code_and_sees_the_discount_everywhere(live_server, page):
    make_shop()
    make_delivery_methods()
    category = make_category(name_fr="Savonnerie", slug="savonnerie")
    make_product(category, name_fr="Coffret de savons", slug="coffret", price_amount=Decimal("100.00"),
                 stock=5)
    Promotion.objects.create(name="Été", code="ETE20", kind="percent", value=Decimal("20"))

    page.goto(f"{live_server.url}/fr/produit/coffret/")
    page.get_by_role("button", name="Ajouter au panier").click()
    page.get_by_role("heading", name="Votre panier").wait_for()
    page.get_by_role("textbox", name="Code promo").fill("inconnu")
    page.get_by_role("button", name="Appliquer").click()
    assert "Le code promo « INCONNU » n'existe pas." in page.locator("body").inner_text()
    page.get_by_role("textbox", name="Code promo").fill("ete20")
    page.get_by_role("button", name="Appliquer").click()
    page.get_by_text("Le code promo « ETE20 » a été appliqué.").wait_for()
    cart = page.locator("table.lines tfoot").inner_text()
    assert re.search(r"Rabais \(ETE20 — Été\)\s+−20,00", cart), cart
    page.screenshot_as("promotions-1-panier")

    page.get_by_role("link", name="Passer la commande").click()
    fill_in_checkout_details(page, postal_code="h2v 4e7")
    page.get_by_label("Livraison à domicile").check()
    page.get_by_label("Chèque, mandat-poste ou virement").check()
    page.get_by_role("button", name="Vérifier ma commande").click()
    page.get_by_role("heading", name="Vérifiez votre commande").wait_for()
    totals = page.locator("table.lines tfoot").inner_text()
    # 100.00 − 20.00 + 12.00 delivery = 92.00 taxed: TPS 4.60, TVQ 9.18, total 105.78
    assert re.search(r"Rabais \(ETE20 — Été\)\s+−20,00", totals), totals
    assert re.search(r"TPS \(5\s%\)\s+4,60", totals), totals
    assert re.search(r"TVQ \(9,975\s%\)\s+9,18", totals), totals
    assert "105,78" in totals
    page.screenshot_as("promotions-2-verification")
    page.get_by_role("button", name="Confirmer ma commande").click()

    page.get_by_role("heading", name=re.compile(r"Merci de votre commande\s!")).wait_for()
    confirmation = page.locator("table.lines tfoot").inner_text()
    assert re.search(r"Rabais \(ETE20 — Été\)\s+−20,00", confirmation), confirmation
    page.screenshot_as("promotions-3-confirmation")
    order = Order.objects.get()
    assert (order.discount_amount, order.total_amount) == (Decimal("20.00"), Decimal("105.78"))
    assert PromotionUsage.objects.get().order == order

    response = page.request.get(f"{live_server.url}/fr/commande/{order.token}/facture/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert re.search(r"Rabais \(ETE20 — Été\)\s*-20,00", text.replace("−", "-")), text
    assert "105,78" in text
