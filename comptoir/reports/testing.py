"""Test builder: a quarter of activity placed through the real checkout and invoicing services."""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from comptoir.checkout.testing import checkout_address, place_test_order
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.invoicing.credit_notes import CreditSelection
from comptoir.invoicing.services import issue_credit_note
from comptoir.payments.refunds import ManualReturn
from comptoir.payments.services import record_payment
from comptoir.paypal.refunds import refund_order
from comptoir.taxes.models import TaxStatus

SHOP_TIME_ZONE = ZoneInfo("America/Toronto")


@contextmanager
def at(moment: str):
    """Run the services as if it were ``moment`` (« 2026-02-03 10:00 », shop time)."""
    when = datetime.datetime.fromisoformat(moment).replace(tzinfo=SHOP_TIME_ZONE)
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield when


# Destinations: (province, postal code, city, country)
QUEBEC = ("QC", "H2V 4E7", "Montréal", "CA")
ONTARIO = ("ON", "M5V 2T6", "Toronto", "CA")
NOVA_SCOTIA = ("NS", "B3H 1A1", "Halifax", "CA")
BRITISH_COLUMBIA = ("BC", "V6B 1A1", "Vancouver", "CA")
# Outside Canada: the address form only knows Canadian provinces, so the export keeps a
# Canadian-looking province and code with a foreign country: the country alone decides the tax.
EXPORT = ("QC", "H2V 4E7", "Burlington", "US")


def ship_to(destination, **extra):
    province, postal_code, city, country = destination
    return checkout_address(province=province, postal_code=postal_code, city=city, country=country, **extra)


def build_quarter() -> dict:
    """The first quarter of 2026 (see test_tax_report for the hand-computed figures).

    A Québec shop registered for GST/QST and for PST in British Columbia. Returns the orders.
    """
    make_delivery_methods()
    make_shop(pst_provinces=["BC"])
    coffee = make_product(name_fr="Café équitable", name_en="Fair-trade coffee",
                          price_amount=Decimal("100.00"), stock=100)
    book = make_product(name_fr="Livre de recettes", name_en="Cookbook", price_amount=Decimal("20.00"),
                        stock=100, tax_status=TaxStatus.EXEMPT)
    mug = make_product(name_fr="Tasse émaillée", name_en="Enamel mug", price_amount=Decimal("40.00"),
                       stock=100)
    orders = {}

    def refund(name, moment, manual=None, **selection):
        with at(moment):
            refund_order(orders[name], CreditSelection(**selection), actor=None,
                         reason="Remboursement partiel", manual=manual, send_email=False)

    def place(name, moment, items, destination=QUEBEC, **kwargs):
        with at(moment):
            if kwargs.get("delivery_kind") != "pickup":
                kwargs["shipping_address"] = ship_to(destination)
            orders[name] = place_test_order(items, email=f"{name}@example.test", **kwargs)

    place("december", "2025-12-20 10:00", [(coffee, 1)])
    with at("2026-01-05 09:00"):
        issue_credit_note(orders["december"].invoice, reason="Retour")
    place("quebec", "2026-01-15 10:00", [(coffee, 1)])
    place("ontario", "2026-02-03 10:00", [(mug, 1), (book, 1)], ONTARIO)
    place("nova_scotia", "2026-02-10 10:00", [(coffee, 2)], NOVA_SCOTIA)
    place("british_columbia", "2026-02-20 10:00", [(mug, 2)], BRITISH_COLUMBIA)
    # Partial refunds through « Rembourser »: a credit note for part of an invoice each.
    refund("british_columbia", "2026-02-25 10:00", shipping=True)  # its delivery fee, 12
    place("export", "2026-03-01 10:00", [(coffee, 1)], EXPORT)
    place("pickup", "2026-03-05 10:00", [(coffee, 1), (book, 1)], delivery_kind="pickup")
    with at("2026-03-05 10:30"):
        record_payment(orders["pickup"].invoice, method="cash", amount=orders["pickup"].total_amount)
    place("pickup_books", "2026-03-06 10:00", [(book, 2)], delivery_kind="pickup")
    book_line = orders["pickup"].invoice.lines.get(sku=book.sku)
    refund("pickup", "2026-03-10 10:00", lines={book_line.pk: 1}, restock=frozenset({book_line.pk}),
           manual=ManualReturn(method="cash"))  # the cookbook, paid in cash: money back
    refund("nova_scotia", "2026-03-12 10:00", amount=Decimal("50.00"))  # a goodwill amount
    with at("2026-03-15 11:00"):
        issue_credit_note(orders["ontario"].invoice, reason="Colis perdu")
    place("late_credit", "2026-03-20 10:00", [(coffee, 1)])
    refund("export", "2026-03-25 10:00", shipping=True)  # the delivery fee of the export
    with at("2026-04-10 09:00"):
        issue_credit_note(orders["late_credit"].invoice, reason="Retour après la fin du trimestre")
    return orders
