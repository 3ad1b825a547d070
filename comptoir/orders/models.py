import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.core.i18n import localized
from comptoir.taxes.models import TaxStatusMixin

MONEY = {"max_digits": 12, "decimal_places": 2}


class OrderQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Orders written in bulk (data loaders) get their payment reference like ``save``."""
        objs = list(objs)
        for order in objs:
            order.fill_payment_reference()
        return super().bulk_create(objs, *args, **kwargs)


class DiscountedTotals:
    """What a document shows around its discount line (order, quote, invoice, credit note):
    ``subtotal_amount`` and ``shipping_amount`` are after the promotions, ``discount_amount``
    and ``shipping_discount_amount`` what they took off."""

    @property
    def total_discount_amount(self) -> Decimal:
        return self.discount_amount + self.shipping_discount_amount

    @property
    def list_subtotal_amount(self) -> Decimal:
        """The goods at their list prices, before the promotions."""
        return self.subtotal_amount + self.discount_amount

    @property
    def list_shipping_amount(self) -> Decimal:
        return self.shipping_amount + self.shipping_discount_amount


class Order(DiscountedTotals, models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class PaymentMethod(models.TextChoices):
        """What the customer chose at checkout (empty in order-details-only mode)."""

        NONE = "", _("None (order details only)")
        PAYPAL = "paypal", _("Credit card via PayPal")
        CHEQUE = "cheque", _("Cheque, money order or transfer")
        INTERAC = "interac", _("Interac e-Transfer")
        CASH_ON_DELIVERY = "cod", _("Cash on delivery")

    class Fulfilment(models.TextChoices):
        """Where the goods are, next to the status: shipped orders go from « Non expédiée » to
        « Expédiée »; pickup orders from « Non expédiée » to « Remise au client »."""

        UNFULFILLED = "unfulfilled", _("Not shipped")
        PARTIAL = "partial", _("Partially shipped")
        SHIPPED = "shipped", _("Shipped")
        READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
        PICKED_UP = "picked_up", _("Handed over to the customer")

    number = models.PositiveBigIntegerField(_("number"), unique=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    checkout_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=2, default="fr")
    billing_address = models.ForeignKey(
        "customers.Address", on_delete=models.PROTECT, related_name="+", verbose_name=_("billing address")
    )
    shipping_address = models.ForeignKey(
        "customers.Address", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("shipping address"),
    )
    delivery_method = models.ForeignKey(
        "shipping.DeliveryMethod", on_delete=models.PROTECT, related_name="orders",
        verbose_name=_("delivery method"),
    )
    delivery_name_fr = models.CharField(max_length=120)
    delivery_name_en = models.CharField(max_length=120, blank=True)
    delivery_kind = models.CharField(max_length=10)
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    payment_instructions = models.TextField(_("payment instructions"), blank=True)
    # « CPT-7K4QHX »: what the customer writes in a transfer's message (``orders/references.py``),
    # derived from the number when the order is first saved; unique, so a bank line finds it.
    payment_reference = models.CharField(_("payment reference"), max_length=16, unique=True)
    tax_province = models.CharField(max_length=2, blank=True)
    subtotal_amount = models.DecimalField(_("subtotal"), **MONEY)
    shipping_amount = models.DecimalField(_("delivery"), **MONEY)
    insurance_amount = models.DecimalField(_("insurance"), **MONEY)
    tax_total = models.DecimalField(_("taxes"), **MONEY)
    total_amount = models.DecimalField(_("total"), **MONEY)
    # Promotions: ``subtotal_amount`` and ``shipping_amount`` are after them; these say what was
    # taken off the goods (the sum of the lines' ``discount_amount``) and off the delivery fee.
    discount_amount = models.DecimalField(_("discount"), default=Decimal("0.00"), **MONEY)
    shipping_discount_amount = models.DecimalField(_("delivery discount"), default=Decimal("0.00"), **MONEY)
    discount_label = models.CharField(_("promotions"), max_length=300, blank=True)
    currency = models.CharField(max_length=3, default="CAD")
    placed_at = models.DateTimeField(_("date"), db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Whether the order's invoice is paid: a copy of ``invoice.status == "paid"`` kept by the
    # invoicing and payment services in the transaction that changes the invoice, so that the
    # order list finds the orders « prêtes à compléter » in a small index of its own.
    invoice_paid = models.BooleanField(default=False)
    # True once an invoice is issued (also after a credit note cancels it), set by the invoicing
    # services: the order services decide on the order row alone, without importing invoicing.
    invoice_issued = models.BooleanField(default=False)
    # Kept by the fulfilment services in the transaction that ships, cancels a shipment or hands
    # the order over, so that the order list filters on it through an index.
    fulfilment_state = models.CharField(
        _("fulfilment"), max_length=20, choices=Fulfilment.choices, default=Fulfilment.UNFULFILLED
    )
    # « J'accepte de recevoir des SMS au sujet de ma commande », ticked at checkout.
    sms_consent = models.BooleanField(_("agreed to SMS"), default=False)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["status", "-number"], name="order_status_number"),
            models.Index(fields=["email"], name="order_email"),
            models.Index(Upper("email"), name="order_email_upper"),
            # « Payée — prête à compléter »: open orders whose invoice is paid (a handful at most).
            models.Index(
                fields=["-number"],
                condition=models.Q(status__in=["new", "awaiting_payment"], invoice_paid=True),
                name="order_ready",
            ),
            # The order list's filters, each walked newest first like the list itself.
            models.Index(fields=["fulfilment_state", "-number"], name="order_fulfilment_number"),
            models.Index(fields=["payment_method", "-number"], name="order_payment_number"),
            models.Index(fields=["delivery_method", "-number"], name="order_delivery_number"),
            models.Index(fields=["invoice_paid", "-number"], name="order_paid_number"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_amount__gte=0), name="order_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"

    def save(self, *args, **kwargs):
        self.fill_payment_reference()
        super().save(*args, **kwargs)

    def fill_payment_reference(self) -> None:
        """The reference follows from the number (``orders/references.py``): set on every save,
        so that a row copied under a new number gets its own."""
        if self.number:
            from .references import payment_reference

            self.payment_reference = payment_reference(self.number)

    @property
    def delivery_name(self) -> str:
        return localized(self, "delivery_name")

    @property
    def is_pickup(self) -> bool:
        return self.delivery_kind == "pickup"

    def get_customer_url(self) -> str:
        """The unguessable page of this order for its customer (guest link in the email)."""
        return reverse("storefront:order_detail", kwargs={"token": self.token})


class OrderLine(TaxStatusMixin, models.Model):
    """A line of an order: a snapshot of the product as it was sold (``tax_status`` too).

    ``line_total_amount`` is what the customer pays for the line: its list amount
    (``unit_price_amount`` × ``quantity``) less ``discount_amount``, its share of the order's
    promotions."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The variant sold, for a product sold by variant (its name is in ``name_fr``/``name_en``).
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name_fr = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    unit_price_amount = models.DecimalField(_("unit price"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total_amount = models.DecimalField(_("amount"), **MONEY)
    discount_amount = models.DecimalField(_("discount"), default=Decimal("0.00"), **MONEY)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def list_amount(self) -> Decimal:
        """The line at its list price, before its discount."""
        return self.line_total_amount + self.discount_amount


class OrderTax(models.Model):
    """One tax of an order (GST, QST, HST, PST), computed once on the taxable subtotal."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="taxes")
    code = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=6, decimal_places=3)
    amount = models.DecimalField(**MONEY)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class OrderEvent(models.Model):
    """The order's timeline: who did what, when. Written in the same transaction as the change."""

    class Kind(models.TextChoices):
        PLACED = "placed", _("Order placed")
        STATUS_CHANGED = "status_changed", _("Status changed")
        LINE_ADDED = "line_added", _("Line added")
        LINE_REMOVED = "line_removed", _("Line removed")
        LINE_CHANGED = "line_changed", _("Line changed")
        INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
        INVOICE_SENT = "invoice_sent", _("Invoice sent")
        PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
        PAYMENT_FAILED = "payment_failed", _("Payment failed")
        PAYMENT_CONFIRMATION_SENT = "payment_confirmation", _("Payment confirmation sent")
        CREDIT_NOTE_ISSUED = "credit_note_issued", _("Credit note issued")
        NOTE = "note", _("Note")
        PAYMENT_REVERSED = "payment_reversed", _("Payment reversed")
        SHIPMENT_CREATED = "shipment_created", _("Shipment created")
        SHIPMENT_CORRECTED = "shipment_corrected", _("Shipment corrected")
        SHIPMENT_CANCELLED = "shipment_cancelled", _("Shipment cancelled")
        READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
        PICKED_UP = "picked_up", _("Handed over to the customer")
        PAYMENT_REMINDER = "payment_reminder", _("Payment reminder sent")
        REMINDERS_CHANGED = "reminders_changed", _("Payment reminders turned on or off")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.kind}"
