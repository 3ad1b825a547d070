from decimal import Decimal

import pytest

from comptoir.core.testing import make_delivery_methods
from comptoir.shipping.models import DeliveryMethod

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("subtotal", "fee"), [
    ("0.00", "12.00"), ("149.99", "12.00"), ("150.00", "0.00"), ("500.00", "0.00"),
])
def test_home_delivery_is_free_from_its_threshold(subtotal, fee):
    shipped = make_delivery_methods()["shipped"]
    assert shipped.fee_for(Decimal(subtotal)) == Decimal(fee)


def test_pickup_is_free_and_needs_no_address():
    pickup = make_delivery_methods()["pickup"]
    assert pickup.is_pickup and pickup.fee_for(Decimal("10.00")) == Decimal("0.00")


def test_method_without_threshold_always_charges_its_fee():
    method = DeliveryMethod.objects.create(code="express", kind="shipped", name_fr="Express",
                                           fee_amount=Decimal("25.00"))
    assert method.fee_for(Decimal("10000.00")) == Decimal("25.00")


def test_names_and_delays_follow_the_language():
    from django.utils import translation

    local = make_delivery_methods()["local"]
    with translation.override("en"):
        assert (local.name, local.expected_delay()) == ("Local delivery", "1 to 2 business days")
    with translation.override("fr"):
        assert (local.name, local.expected_delay()) == ("Livraison locale", "1 à 2 jours ouvrables")
