from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    """Money received for an invoice. An invoice is paid when its payments cover its total."""

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
