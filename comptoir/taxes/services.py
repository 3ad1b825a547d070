"""Canadian sales taxes: the ONLY place a tax is computed or rounded.

Rules (see QUEBEC.md): the destination province decides (the store's province for a pickup);
shipping and fees are taxed like the goods; each tax is computed once, on the taxable subtotal,
and rounded half a cent up; QST is computed on the pre-GST price; a merchant that is not
registered charges nothing; deliveries outside Canada are exported (0 %).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.money import ZERO, quantize

from .models import TaxCode, TaxRate

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
