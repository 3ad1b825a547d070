"""Layout of back-office controls in a real Chromium: selects as wide as their longest option
(the order status, the reason of a stock adjustment), and the « Effacer » box of an image field
on the same line as its label."""

import os
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from comptoir.core.testing import make_delivery_methods, make_order, make_product, make_shop, make_staff_user
from comptoir.merchant.demo import images

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The select's width, and the width it takes when nothing constrains it (a hidden copy beside it).
SELECT_WIDTHS = """(selector) => {
  const select = document.querySelector(selector);
  const copy = select.cloneNode(true);
  copy.removeAttribute('id');
  copy.removeAttribute('name');
  copy.style.cssText =
    'position:absolute; visibility:hidden; width:auto; min-width:0; max-width:none; flex:none;';
  select.parentNode.appendChild(copy);
  const natural = copy.getBoundingClientRect().width;
  copy.remove();
  return {actual: select.getBoundingClientRect().width, natural,
          longest: Math.max(...[...select.options].map(o => o.text.length))};
}"""

BOX_AND_LABEL = """() => {
  const box = document.querySelector('.file-input input[type=checkbox]');
  const label = document.querySelector(`label[for="${box.id}"]`);
  const b = box.getBoundingClientRect(), l = label.getBoundingClientRect();
  return {box_middle: (b.top + b.bottom) / 2, label_middle: (l.top + l.bottom) / 2,
          box_right: b.right, label_left: l.left, label_text: label.textContent};
}"""


@pytest.fixture
def merchant_data(db):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_delivery_methods()
    make_shop()
    make_staff_user(username="marchand", password=PASSWORD, first_name="Julie", last_name="Gagnon")
    product = make_product(name_fr="Café du matin", price_amount=Decimal("18.00"), stock=10)
    product.image.save("cafe.png", ContentFile(images.logo("Café")), save=True)
    return {"order": make_order(status="awaiting_payment"), "product": product}


@pytest.mark.parametrize("width", [1280, 1120])
def test_selects_fit_their_longest_option(page, live_server, merchant_data, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/fr/gestion/commandes/{merchant_data['order'].number}/")
    status = page.evaluate(SELECT_WIDTHS, "#order-status")
    assert status["longest"] == len("En attente du paiement")
    assert status["actual"] >= status["natural"] - 0.5, status
    page.screenshot_as(f"gestion-commande-statut-{width}")

    page.goto(f"{live_server.url}/fr/gestion/produits/{merchant_data['product'].pk}/")
    reason = page.evaluate(SELECT_WIDTHS, ".stock-panel select")
    assert reason["longest"] == len("Ajustement manuel (inventaire, perte, bris)")
    assert reason["actual"] >= reason["natural"] - 0.5, reason
    sideways = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(sideways) <= 0
    page.screenshot_as(f"gestion-produit-stock-{width}")


def test_the_clear_box_of_an_image_sits_beside_its_label(page, live_server, merchant_data):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/fr/gestion/produits/{merchant_data['product'].pk}/")
    measures = page.evaluate(BOX_AND_LABEL)
    assert measures["label_text"] == "Effacer"
    assert abs(measures["box_middle"] - measures["label_middle"]) < 6, measures
    assert measures["box_right"] <= measures["label_left"] < measures["box_right"] + 20, measures
