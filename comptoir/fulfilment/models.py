"""Shipments of an order (parcels with a carrier and a tracking number) and the back-office's
batch print jobs. The order's own fulfilment state is ``Order.fulfilment_state``."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .carriers import Carrier, carrier_label, tracking_url


class Shipment(models.Model):
    """One parcel: what left the shop, with which carrier and tracking number."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("parcel", "Shipped")
        CANCELLED = "cancelled", pgettext_lazy("parcel", "Cancelled")

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="shipments")
    number = models.PositiveSmallIntegerField(_("number"))  # 1, 2, … within the order
    carrier = models.CharField(_("carrier"), max_length=20, choices=Carrier.choices)
    carrier_name = models.CharField(_("carrier name"), max_length=60, blank=True)  # « Autre »
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    note = models.CharField(_("note for the customer"), max_length=500, blank=True)
    notify_customer = models.BooleanField(_("notify the customer"), default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="shipment_number_per_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order} / {self.number}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def carrier_display(self, language: str | None = None) -> str:
        return carrier_label(self.carrier, self.carrier_name, language)

    @property
    def tracking_url(self) -> str:
        return tracking_url(self.carrier, self.tracking_number)


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="shipment_line_quantity_positive"
            ),
        ]


class BatchJob(models.Model):
    """One PDF of many orders (invoices or packing slips), rendered by a background task; the
    page that asked for it shows its progress and offers the file once it is ready."""

    class Kind(models.TextChoices):
        INVOICES = "invoices", _("Invoices")
        PACKING_SLIPS = "packing_slips", _("Packing slips")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("In progress")
        DONE = "done", pgettext_lazy("file", "Ready")
        FAILED = "failed", _("Failed")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order_numbers = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)  # [{"number", "reason"}]
    file = models.CharField(max_length=200, blank=True)  # path in the default storage
    language = models.CharField(max_length=2, default="fr")
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def total(self) -> int:
        return len(self.order_numbers)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 100
