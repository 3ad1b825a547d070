"""Canadian sales taxes: the ONLY place a tax is computed or rounded.

Rules (see QUEBEC.md): the destination province decides (the store's province for a pickup);
each tax is computed once, on the taxable subtotal, and rounded half a cent up; QST is computed
on the pre-GST price; a merchant that is not registered charges nothing; deliveries outside
Canada are exported (0 %).

Each line of goods is taxable, zero-rated or exempt (``TaxStatus``) and counts for what the
customer pays for it, after its discount. Fees charged with the goods (delivery, insurance) are
taxed like the goods: split between the statuses in proportion of the goods' value (largest
remainder to the cent), only the taxable share is taxed (``split_fees``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.money import ZERO, allocate, quantize

from .models import TaxCode, TaxRate, TaxStatus

TAX_LABELS = {
    TaxCode.GST: _("GST"),
    TaxCode.HST: _("HST"),
    TaxCode.QST: _("QST"),
    TaxCode.PST: _("PST"),
    TaxCode.RST: _("RST"),
}


@dataclass(frozen=True)
class TaxLine:
    code: str
    rate: Decimal  # percent, e.g. Decimal("9.975")
    amount: Decimal

    @property
    def label(self) -> str:
        return str(TAX_LABELS.get(self.code, self.code))


@dataclass(frozen=True)
class TaxResult:
    taxable_amount: Decimal
    lines: tuple[TaxLine, ...]
    # The rest of the base (goods and their share of the fees), by status.
    zero_rated_amount: Decimal = ZERO
    exempt_amount: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def rates_for(province: str, on_date: datetime.date) -> list[TaxRate]:
    return list(
        TaxRate.objects.filter(province=province, effective_from__lte=on_date)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date))
        .order_by("position", "code")
    )


def tax_province(*, destination_province: str | None, destination_country: str, is_pickup: bool,
                 store_province: str) -> str | None:
    """The province whose taxes apply, or None for an export (no Canadian tax)."""
    if is_pickup:
        return store_province
    if destination_country != "CA":
        return None
    return destination_province


def compute_taxes(
    taxable_amount: Decimal,
    *,
    province: str | None,
    merchant_registered: bool = True,
    pst_provinces: list[str] | tuple[str, ...] = (),
    on_date: datetime.date | None = None,
) -> TaxResult:
    """Each tax of ``province`` on ``taxable_amount`` (goods + fees), rounded half-up once."""
    taxable_amount = quantize(taxable_amount)
    if not merchant_registered or province is None or taxable_amount <= 0:
        return TaxResult(taxable_amount, ())
    on_date = on_date or timezone.localdate()
    lines = []
    for tax_rate in rates_for(province, on_date):
        if tax_rate.requires_provincial_registration and province not in pst_provinces:
            continue
        amount = quantize(taxable_amount * tax_rate.rate / Decimal(100))
        lines.append(TaxLine(code=tax_rate.code, rate=tax_rate.rate.normalize(), amount=amount))
    return TaxResult(taxable_amount, tuple(lines))


@dataclass(frozen=True)
class TaxedGoods:
    """A line of goods for the tax module: what the customer pays for it (after its discount)
    and its ``TaxStatus``."""

    amount: Decimal
    status: str = TaxStatus.TAXABLE


STATUSES = (TaxStatus.TAXABLE, TaxStatus.ZERO_RATED, TaxStatus.EXEMPT)


def split_fees(fees: Decimal, goods) -> dict[str, Decimal]:
    """``fees`` split between the statuses in proportion of the value of ``goods``.

    Goods worth nothing (all given away) split the fee by the statuses present, taxable first;
    a fee without goods is taxable."""
    goods = list(goods)
    weights = {status: sum((g.amount for g in goods if g.status == status), ZERO) for status in STATUSES}
    if not any(weights.values()):
        present = next((s for s in STATUSES if any(g.status == s for g in goods)), TaxStatus.TAXABLE)
        weights = {status: Decimal(status == present) for status in STATUSES}
    return dict(zip(STATUSES, allocate(fees, [weights[status] for status in STATUSES]), strict=True))


def tax_base(goods, *, fees: Decimal = ZERO) -> dict[str, Decimal]:
    """The amount before taxes of each status: its goods plus its share of ``fees``."""
    goods = list(goods)
    fee_parts = split_fees(quantize(fees), goods)
    return {status: sum((quantize(g.amount) for g in goods if g.status == status), ZERO) + fee_parts[status]
            for status in STATUSES}


def compute_line_taxes(
    goods,
    *,
    fees: Decimal = ZERO,
    province: str | None,
    merchant_registered: bool = True,
    pst_provinces: list[str] | tuple[str, ...] = (),
    on_date: datetime.date | None = None,
) -> TaxResult:
    """The taxes of ``goods`` (``TaxedGoods``) with ``fees`` (delivery + insurance, after any
    discount): the taxable base is the taxable goods plus their share of the fees.

    Example (Québec): maple syrup 30.00 (zero-rated) + soap 10.00 (taxable) + delivery 12.00 →
    base 10.00 + 3.00 = 13.00, GST 0.65, QST 1.30."""
    base = tax_base(goods, fees=fees)
    result = compute_taxes(base[TaxStatus.TAXABLE], province=province,
                           merchant_registered=merchant_registered,
                           pst_provinces=pst_provinces, on_date=on_date)
    return TaxResult(result.taxable_amount, result.lines, zero_rated_amount=base[TaxStatus.ZERO_RATED],
                     exempt_amount=base[TaxStatus.EXEMPT])
