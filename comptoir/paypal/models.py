import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class PayPalCheckout(models.Model):
    """One attempt to pay an invoice on PayPal (one PayPal order).

    The row is written *before* PayPal is called, so its ``request_id`` (sent as
    ``PayPal-Request-Id``) is stable: retrying after a time-out reuses it and PayPal returns
    the order it may already have created instead of a second one. The browser return, the
    webhooks and the reconciliation pass all settle the attempt under a lock on this row.
    """

    class Status(models.TextChoices):
        NEW = "new", _("Not sent to PayPal yet")
        CREATED = "created", _("Waiting for the customer")
        PENDING = "pending", _("Capture pending at PayPal")
        COMPLETED = "completed", _("Paid")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled by the customer")
        EXPIRED = "expired", _("Expired")
        NEEDS_ATTENTION = "attention", _("Needs the merchant's attention")

    OPEN_STATUSES = (Status.NEW, Status.CREATED, Status.PENDING)

    invoice = models.ForeignKey(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="paypal_checkouts"
    )
    request_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    paypal_order_id = models.CharField(max_length=36, unique=True, null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="CAD")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    approve_url = models.URLField(max_length=500, blank=True)
    capture_id = models.CharField(max_length=36, null=True, blank=True, unique=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="paypal_checkout_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.paypal_order_id or self.request_id} ({self.status})"

    @property
    def custom_id(self) -> str:
        """What we send as ``custom_id``: it brings webhooks back to this row."""
        return str(self.request_id)


class WebhookEvent(models.Model):
    """A PayPal webhook event, stored once under PayPal's event id (duplicates are no-ops), then
    processed by a task (``webhooks.process_stored_event``): ``processed_at`` is set once it is
    done; until then ``attempts``, ``next_attempt_at`` and ``last_error`` tell where it stands."""

    event_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=100)
    resource_id = models.CharField(max_length=100, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # The sweep's query: events not processed yet whose attempt is overdue.
            models.Index(fields=["processed_at", "next_attempt_at"], name="paypal_webhook_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
