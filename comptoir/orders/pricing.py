"""Prices an order: goods, delivery fee, insurance fee, taxes and total.

Used by checkout (review step and ``place_order``) and by order editing in the back-office, so
an order is always priced by the same rules. Taxes come from ``taxes.services`` only.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from comptoir.core.money import ZERO, quantize
from comptoir.taxes.services import TaxResult, compute_taxes, tax_province


@dataclass(frozen=True)
class PricedLine:
    unit_price_amount: Decimal
    quantity: int
    is_taxable: bool = True

    @property
    def line_total_amount(self) -> Decimal:
        return quantize(self.unit_price_amount * self.quantity)


@dataclass(frozen=True)
class Quote:
    subtotal_amount: Decimal
    shipping_amount: Decimal
    insurance_amount: Decimal
    taxes: TaxResult
    tax_province: str | None

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
) -> Quote:
    """Price ``lines`` delivered with ``delivery_method`` for ``shop`` (a ShopSettings).

    Fees (delivery, insurance) are taxed like the goods: they are taxable when at least one
    line is taxable. ``insurance_amount`` defaults to the shop's current insurance fee; an
    existing order being edited passes the fee it was placed with.
    """
    lines = list(lines)
    subtotal = sum((line.line_total_amount for line in lines), ZERO)
    taxable_goods = sum((line.line_total_amount for line in lines if line.is_taxable), ZERO)
    shipping = delivery_method.fee_for(subtotal) if lines else ZERO
    insurance = shop.insurance_fee_amount if insurance_amount is None else insurance_amount
    insurance = insurance if lines else ZERO
    taxable = taxable_goods + shipping + insurance if taxable_goods > 0 else ZERO
    province = tax_province(
        destination_province=destination_province,
        destination_country=destination_country,
        is_pickup=delivery_method.is_pickup,
        store_province=shop.province,
    )
    taxes = compute_taxes(
        taxable,
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
    )
