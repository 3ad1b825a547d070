"""The packing slip names the variant sold, as the order line does."""

import pytest

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_shop, make_variant_product, variant_of
from comptoir.fulfilment.pdf import packing_slip_html
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_packing_slip_and_the_confirmation_email_name_the_variant():
    make_shop()
    coffee = make_variant_product(name_fr="Café du Plateau", name_en="Plateau coffee")

    order = place_test_order([(variant_of(coffee, "1 kg"), 1)])

    html, _base = packing_slip_html(order, shipment=None, shop=ShopSettings.load())
    assert "Café du Plateau — 1 kg" in html
    email = Notification.objects.get(template="order_confirmation")
    assert [line["name"] for line in email.context["lines"]] == ["Café du Plateau — 1 kg"]
