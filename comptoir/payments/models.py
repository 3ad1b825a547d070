import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
        INTERAC = "interac", _("Interac e-Transfer")
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
