from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.i18n import LocalizedFieldsMixin, localized
from comptoir.core.money import ZERO


class DeliveryMethod(LocalizedFieldsMixin, models.Model):
    """« Type de livraison »: how the goods reach the customer, and what it costs."""

    class Kind(models.TextChoices):
        SHIPPED = "shipped", _("Shipped by carrier")
        PICKUP = "pickup", _("Store pickup")
        LOCAL = "local", _("Local delivery")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    expected_delay_fr = models.CharField(_("expected delay (French)"), max_length=120, blank=True)
    expected_delay_en = models.CharField(_("expected delay (English)"), max_length=120, blank=True)
    fee_amount = models.DecimalField(
        _("fee"), max_digits=12, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    free_shipping_threshold_amount = models.DecimalField(
        _("free from (order subtotal)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("delivery method")
        verbose_name_plural = _("delivery methods")
        constraints = [
            models.CheckConstraint(condition=models.Q(fee_amount__gte=0), name="delivery_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pickup(self) -> bool:
        return self.kind == self.Kind.PICKUP

    def expected_delay(self, language: str | None = None) -> str:
        return localized(self, "expected_delay", language)

    def fee_for(self, subtotal_amount: Decimal) -> Decimal:
        """The delivery fee for an order whose goods subtotal is ``subtotal_amount``."""
        threshold = self.free_shipping_threshold_amount
        if threshold is not None and subtotal_amount >= threshold:
            return ZERO
        return self.fee_amount
