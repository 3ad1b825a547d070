"""Prices an order: goods, discounts, delivery fee, insurance fee, taxes and total.

Used by checkout (review step and ``place_order``) and by order editing in the back-office, so
an order is always priced by the same rules. Taxes come from ``taxes.services`` only: each line
counts for what is paid for it (after its share of the discounts), and the fees are split
between taxable and non-taxable goods in proportion of their value (``split_fees``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from comptoir.core.money import ZERO, quantize
from comptoir.taxes.models import TaxStatus
from comptoir.taxes.services import TaxedGoods, TaxResult, compute_line_taxes, tax_province

from .models import DiscountedTotals


@dataclass(frozen=True)
class PricedLine:
    unit_price_amount: Decimal
    quantity: int
    is_taxable: bool = True
    # What the promotions take off this line (computed by the caller, never read from a request).
    discount_amount: Decimal = ZERO
    tax_status: str | None = None  # None: from ``is_taxable`` (taxable or zero-rated)

    @property
    def list_amount(self) -> Decimal:
        return quantize(self.unit_price_amount * self.quantity)

    @property
    def line_total_amount(self) -> Decimal:
        """What is paid for the line: its list amount less its discount (never below zero)."""
        return max(self.list_amount - self.discount_amount, ZERO)

    @property
    def status(self) -> str:
        if self.tax_status:
            return self.tax_status
        return TaxStatus.TAXABLE if self.is_taxable else TaxStatus.ZERO_RATED


@dataclass(frozen=True)
class Quote(DiscountedTotals):
    subtotal_amount: Decimal  # the goods after their discounts
    shipping_amount: Decimal  # the delivery fee after a free delivery
    insurance_amount: Decimal
    taxes: TaxResult
    tax_province: str | None
    discount_amount: Decimal = ZERO
    shipping_discount_amount: Decimal = ZERO
    line_discounts: tuple[Decimal, ...] = ()  # each line's discount, in the lines' order
    promotions: tuple = ()  # what the caller applied (e.g. ``promotions.services.Applied``)

    @property
    def tax_total(self) -> Decimal:
        return self.taxes.total

    @property
    def total_amount(self) -> Decimal:
        return self.subtotal_amount + self.shipping_amount + self.insurance_amount + self.tax_total


def price_order(
    lines: Iterable[PricedLine],
    *,
    delivery_method,
    shop,
    destination_province: str | None,
    destination_country: str = "CA",
    insurance_amount: Decimal | None = None,
    free_delivery: bool = False,
    shipping_discount_amount: Decimal | None = None,
    promotions: tuple = (),
) -> Quote:
    """Price ``lines`` delivered with ``delivery_method`` for ``shop`` (a ShopSettings).

    The delivery fee follows the goods' list value; ``free_delivery`` takes it off entirely and
    ``shipping_discount_amount`` (an order being edited) takes off what it was placed with, at
    most the fee. Fees (delivery, insurance) are taxed like the goods, in proportion of the
    taxable share of their value. ``insurance_amount`` defaults to the shop's current insurance
    fee; an existing order being edited passes the fee it was placed with.
    """
    lines = list(lines)
    list_subtotal = sum((line.list_amount for line in lines), ZERO)
    subtotal = sum((line.line_total_amount for line in lines), ZERO)
    fee = delivery_method.fee_for(list_subtotal) if lines else ZERO
    taken = fee if free_delivery else min(shipping_discount_amount or ZERO, fee)
    shipping = fee - taken
    insurance = shop.insurance_fee_amount if insurance_amount is None else insurance_amount
    insurance = insurance if lines else ZERO
    province = tax_province(
        destination_province=destination_province,
        destination_country=destination_country,
        is_pickup=delivery_method.is_pickup,
        store_province=shop.province,
    )
    taxes = compute_line_taxes(
        [TaxedGoods(line.line_total_amount, line.status) for line in lines],
        fees=shipping + insurance,
        province=province,
        merchant_registered=shop.is_tax_registered,
        pst_provinces=shop.pst_provinces,
    )
    return Quote(
        subtotal_amount=subtotal,
        shipping_amount=shipping,
        insurance_amount=insurance,
        taxes=taxes,
        tax_province=province,
        discount_amount=list_subtotal - subtotal,
        shipping_discount_amount=taken,
        line_discounts=tuple(line.list_amount - line.line_total_amount for line in lines),
        promotions=tuple(promotions),
    )
