"""Promotions: discount codes (« Code promo ») and automatic promotions, and their uses."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 12, "decimal_places": 2}


class Promotion(models.Model):
    """A discount: with a ``code`` the customer types it at checkout; without, it applies by
    itself to every cart it fits. Dates are days of the shop's time zone, both included."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        AMOUNT = "amount", _("Fixed amount off")
        FREE_DELIVERY = "free_delivery", _("Free delivery")

    name = models.CharField(_("name"), max_length=120,
                            help_text=_("Shown to the customer and on the invoice."))
    code = models.CharField(
        _("promo code"), max_length=40, blank=True,
        help_text=_("Empty: the promotion applies by itself, without a code."),
    )
    kind = models.CharField(_("discount"), max_length=15, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        _("value"), default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("Percentage (e.g. 20) or amount in dollars; not used for free delivery."), **MONEY,
    )
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+",
                                      verbose_name=_("products"))
    categories = models.ManyToManyField("catalog.Category", blank=True, related_name="+",
                                        verbose_name=_("categories"))
    minimum_amount = models.DecimalField(
        _("minimum order"), default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("Goods at their list prices, before taxes and delivery."), **MONEY,
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    usage_limit = models.PositiveIntegerField(_("total uses"), null=True, blank=True,
                                              validators=[MinValueValidator(1)],
                                              help_text=_("Empty: no limit."))
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Counted by email address, for guests too. Empty: no limit."),
    )
    combinable = models.BooleanField(
        _("combinable with other promotions"), default=False,
        help_text=_("A promotion that is not combinable applies alone, when it gives the customer more."),
    )
    is_active = models.BooleanField(pgettext_lazy("promotion", "active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-is_active", "-id"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            models.UniqueConstraint(Upper("code"), condition=~models.Q(code=""),
                                    name="promotion_code_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="promotion_value_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(kind="percent") | models.Q(value__lte=100),
                name="promotion_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    def save(self, *args, **kwargs):
        """Codes are kept in capitals without spaces, as customers' codes are compared."""
        self.code = "".join((self.code or "").split()).upper()
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """How the discount line names it: « Code ETE20 — Été » or the name alone."""
        return f"{self.code} — {self.name}" if self.code else self.name


class PromotionUsage(models.Model):
    """One use of a promotion by one order, written in the transaction that places the order
    (under the promotion's row lock: limits hold under concurrency)."""

    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="usages")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()  # lowercased: per-customer limits count by address
    discount_amount = models.DecimalField(**MONEY)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-used_at", "-id"]
        indexes = [models.Index(fields=["promotion", "email"], name="promotion_usage_email")]
        constraints = [
            models.UniqueConstraint(fields=["promotion", "order"], name="one_usage_per_order"),
        ]
