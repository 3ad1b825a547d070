from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.provinces import Province


class TaxCode(models.TextChoices):
    GST = "GST", _("GST")
    HST = "HST", _("HST")
    QST = "QST", _("QST")
    PST = "PST", _("PST")
    RST = "RST", _("RST")


class TaxRate(models.Model):
    """One sales tax of one province, in force from ``effective_from`` (to ``effective_to``).

    Rates change: they live in this table (seeded by a migration), never in code.
    """

    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    code = models.CharField(_("tax"), max_length=3, choices=TaxCode.choices)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    requires_provincial_registration = models.BooleanField(
        default=False,
        help_text=_("Charged only when the merchant is registered in that province (PST/RST)."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["province", "position", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code", "effective_from"], name="one_rate_per_tax_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.code} {self.rate}% from {self.effective_from}"


class TaxStatus(models.TextChoices):
    """How a product is treated by GST/HST and QST alike (QUEBEC.md)."""

    TAXABLE = "taxable", _("Taxable")
    ZERO_RATED = "zero_rated", _("Zero-rated (0 %)")
    EXEMPT = "exempt", _("Exempt")


class TaxStatusMixin(models.Model):
    """``tax_status`` of a product or of a line sold; ``is_taxable`` reads (and, for builders
    and old callers, sets: taxable or zero-rated) it."""

    tax_status = models.CharField(
        _("tax status"), max_length=10, choices=TaxStatus.choices, default=TaxStatus.TAXABLE
    )

    class Meta:
        abstract = True

    @property
    def is_taxable(self) -> bool:
        return self.tax_status == TaxStatus.TAXABLE

    @is_taxable.setter
    def is_taxable(self, value: bool) -> None:
        self.tax_status = TaxStatus.TAXABLE if value else TaxStatus.ZERO_RATED
