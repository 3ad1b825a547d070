import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class Refund(models.Model):
    """Money given back for an invoice, by the method it was paid with.

    A PayPal refund is written ``pending`` in the transaction that issues the credit note, then
    sent to PayPal after commit with ``request_id`` as ``PayPal-Request-Id`` (a retry never
    refunds twice). Other methods are written ``completed`` with how the money went back."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("refund", "Pending")
        COMPLETED = "completed", pgettext_lazy("refund", "Completed")
        FAILED = "failed", pgettext_lazy("refund", "Failed")

    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="refunds")
    credit_note = models.ForeignKey(
        "invoicing.CreditNote", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    method = models.CharField(_("refund method"), max_length=12, choices=Payment.Method.choices, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="CAD")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    returned_on = models.DateField(_("date returned"), null=True, blank=True)
    request_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider_reference = models.CharField(max_length=120, null=True, blank=True, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} -{self.amount} ({self.status})"
