from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    """Money received for an invoice. An invoice is paid when its payments cover its total.

    A payment is never deleted: one that did not go through (a returned cheque) is reversed,
    with ``reversed_at`` and its reason, and no longer counts.
    """

    class Method(models.TextChoices):
        UNSPECIFIED = "", _("None (store terminal)")
        CHEQUE = "cheque", _("Cheque")
        MONEY_ORDER = "money_order", _("Money order")
        BANK_TRANSFER = "transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        TERMINAL = "terminal", _("Store terminal")
        PAYPAL = "paypal", _("PayPal")

    invoice = models.ForeignKey(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(_("payment method"), max_length=12, choices=Method.choices, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="CAD")
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    received_on = models.DateField(_("date received"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed on"), null=True, blank=True)
    reversal_reason = models.CharField(_("reason"), max_length=200, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider_reference = models.CharField(max_length=120, null=True, blank=True, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="payment_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None

    @property
    def received_date(self):
        """The day the money was received (payments recorded before that field: their day)."""
        return self.received_on or self.created_at.date()
