import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CardBrand(models.TextChoices):
    VISA = "visa", "Visa"
    MASTERCARD = "mastercard", "Mastercard"
    AMEX = "amex", "American Express"
    INTERAC = "interac", pgettext_lazy("card brand", "Interac debit")
    DISCOVER = "discover", "Discover"
    OTHER = "other", pgettext_lazy("card brand", "Other")


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
    # « Terminal du magasin »: what the terminal's receipt shows, never more of the card.
    card_brand = models.CharField(_("card brand"), max_length=12, choices=CardBrand.choices, blank=True)
    card_last4 = models.CharField(_("last 4 digits"), max_length=4, blank=True)
    authorization_code = models.CharField(_("authorization number"), max_length=20, blank=True)
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

    def terminal_details(self) -> str:
        """« Visa •••• 4242 · autorisation 083215 » (what the terminal's receipt showed), or ""."""
        parts = []
        card = " ".join(part for part in [
            self.get_card_brand_display() if self.card_brand else "",
            f"•••• {self.card_last4}" if self.card_last4 else ""] if part)
        if card:
            parts.append(card)
        if self.authorization_code:
            parts.append(_("authorization %(code)s") % {"code": self.authorization_code})
        return " · ".join(str(part) for part in parts)

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


class PaymentReminder(models.Model):
    """A reminder of an unpaid invoice sent to its customer, or the automatic cancellation of its
    order (``payments.reminders``). Automatic reminders are numbered from 1 in the order of the
    shop's days; the unique (invoice, kind, number) makes each one sent once, however many
    workers run the job at once. A reminder sent by hand (« Envoyer un rappel maintenant ») has
    number 0 and no limit."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        MANUAL = "manual", _("Reminder sent by hand")
        EXPIRY = "expiry", _("Automatic cancellation")

    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(default=0)
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    notification = models.ForeignKey(
        "notifications.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "kind", "number"], condition=~models.Q(kind="manual"),
                name="payment_reminder_once",
            ),
        ]


class ReminderPause(models.Model):
    """« Désactiver les rappels » for one order: no automatic reminder and no automatic
    cancellation while this row exists."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="reminder_pause")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
