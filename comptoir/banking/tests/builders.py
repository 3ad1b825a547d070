"""Orders paid by Interac with their invoice, for the reconciliation tests."""

from decimal import Decimal

from comptoir.checkout.testing import checkout_address, place_test_order
from comptoir.core.testing import make_product, make_shop


def interac_shop():
    return make_shop(interac_enabled=True, interac_email="paiements@delices.test", interac_autodeposit=True)


def interac_order(price="40.00", *, first_name="Marie", last_name="Tremblay", email=None):
    product = make_product(price_amount=Decimal(price), stock=50)
    address = checkout_address(first_name=first_name, last_name=last_name)
    return place_test_order(
        [(product, 1)], payment_method="interac", delivery_kind="pickup", billing_address=address,
        email=email or f"{first_name.lower()}@example.test",
    )
