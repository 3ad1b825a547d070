import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.i18n import localized
from comptoir.orders.models import DiscountedTotals
from comptoir.taxes.models import TaxStatusMixin

MONEY = {"max_digits": 12, "decimal_places": 2}


class Invoice(DiscountedTotals, models.Model):
    """An issued invoice. Its content is a snapshot taken at issue and is never edited:
    payments change ``status`` (derived from them), corrections go through a CreditNote.

    An order may have several invoices over time (a correction after issue credits the old one
    and issues a new one); ``current_for`` points from the one in force to its order, so
    ``order.invoice`` is the current invoice and ``order.invoices`` the whole history."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order")
    )
    current_for = models.OneToOneField(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="invoice",
        editable=False,
    )
    number = models.PositiveBigIntegerField(_("number"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UNPAID, db_index=True
    )
    issued_at = models.DateTimeField(_("date"), db_index=True)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)
    language = models.CharField(max_length=2, default="fr")
    payment_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.JSONField(default=dict)  # ShopSettings.business_snapshot() at issue
    customer_name = models.CharField(max_length=200)
    customer_email = models.EmailField()
    billing_address = models.JSONField(default=list)  # lines of text
    shipping_address = models.JSONField(default=list, blank=True)
    delivery_name_fr = models.CharField(max_length=120, blank=True)
    delivery_name_en = models.CharField(max_length=120, blank=True)
    payment_method = models.CharField(max_length=10, blank=True)  # Order.PaymentMethod at issue
    subtotal_amount = models.DecimalField(_("subtotal"), **MONEY)
    shipping_amount = models.DecimalField(_("delivery"), **MONEY)
    insurance_amount = models.DecimalField(_("insurance"), **MONEY)
    tax_total = models.DecimalField(_("taxes"), **MONEY)
    total_amount = models.DecimalField(_("total"), **MONEY)
    # The order's promotions (see ``orders.models.DiscountedTotals``).
    discount_amount = models.DecimalField(_("discount"), default=Decimal("0.00"), **MONEY)
    shipping_discount_amount = models.DecimalField(_("delivery discount"), default=Decimal("0.00"), **MONEY)
    discount_label = models.CharField(_("promotions"), max_length=300, blank=True)
    # The part of the amount before taxes (goods and their share of the fees) that is zero-rated
    # or exempt, computed by ``taxes.services.tax_base`` at issue; the rest is taxable (for the
    # tax report; an export is zero-rated whatever its goods).
    zero_rated_amount = models.DecimalField(_("zero-rated"), default=Decimal("0.00"), **MONEY)
    exempt_amount = models.DecimalField(_("exempt"), default=Decimal("0.00"), **MONEY)
    currency = models.CharField(max_length=3, default="CAD")
    # The sum of the invoice's payments (reversed ones and refunds count negative), kept by the
    # payment services in the transaction that records them: the invoice's pages, PDF and emails
    # read the balance without the payments app.
    paid_amount = models.DecimalField(_("paid"), default=Decimal("0.00"), **MONEY)
    # What its credit notes took off (positive), kept by the service that issues them.
    credited_amount = models.DecimalField(_("credited"), default=Decimal("0.00"), **MONEY)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Issued with a date inside a closed tax period (shop setting « signaler »).
    in_closed_period = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"F-{self.number:06d}"

    @property
    def delivery_name(self) -> str:
        return localized(self, "delivery_name")

    @property
    def balance_amount(self) -> Decimal:
        """What the customer still owes; nothing on a cancelled invoice (credited) or on a paid
        one (money refunded without a credit note does not make it owed again)."""
        if self.status in (self.Status.CANCELLED, self.Status.PAID):
            return Decimal("0.00")
        return max(self.total_amount - self.credited_amount - self.paid_amount, Decimal("0.00"))

    @property
    def credit_amount(self) -> Decimal:
        """Money received beyond what is owed (an overpayment, or payments of a cancelled
        invoice): the shop owes it back to the customer."""
        owed = Decimal("0.00") if self.status == self.Status.CANCELLED else (
            self.total_amount - self.credited_amount)
        return max(self.paid_amount - owed, Decimal("0.00"))


class InvoiceLine(TaxStatusMixin, models.Model):
    """``amount`` is what the customer pays for the line, after ``discount_amount`` (its share
    of the promotions); the list amount is ``unit_price_amount`` × ``quantity``."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    # The product sold, for restocking on a refund (not printed; the line's text is the snapshot).
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField(max_length=64, blank=True)
    description_fr = models.CharField(max_length=200)
    description_en = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price_amount = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    discount_amount = models.DecimalField(default=Decimal("0.00"), **MONEY)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def list_amount(self) -> Decimal:
        return self.amount + self.discount_amount


class InvoiceTax(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="taxes")
    code = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=6, decimal_places=3)
    amount = models.DecimalField(**MONEY)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class CreditNote(DiscountedTotals, models.Model):
    """« Note de crédit »: cancels or corrects an issued invoice; refers to it.

    Its amounts are negative (an invoice plus the credit notes that cancel it add up to zero);
    its lines say what is credited, its taxes are computed by the tax module on them."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("invoice")
    )
    number = models.PositiveBigIntegerField(_("number"), unique=True)
    issued_at = models.DateTimeField(_("date"), db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    subtotal_amount = models.DecimalField(_("subtotal"), **MONEY)
    shipping_amount = models.DecimalField(_("delivery"), **MONEY)
    insurance_amount = models.DecimalField(_("insurance"), **MONEY)
    tax_total = models.DecimalField(_("taxes"), **MONEY)
    total_amount = models.DecimalField(_("total"), **MONEY)
    # The part of the credited lines that was a discount (negative like the amounts above: an
    # invoice's discount plus its notes' add up to zero). Credit notes give no delivery back
    # beyond what was charged, so ``shipping_discount_amount`` stays zero.
    discount_amount = models.DecimalField(_("discount"), default=Decimal("0.00"), **MONEY)
    shipping_discount_amount = Decimal("0.00")
    taxes = models.JSONField(default=list)  # [{"code", "rate", "amount"}] as strings
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Issued with a date inside a closed tax period (shop setting « signaler »).
    in_closed_period = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"NC-{self.number:06d}"


class CreditNoteLine(TaxStatusMixin, models.Model):
    """What a credit note credits: a quantity of an invoice line, the delivery fee, the
    insurance fee or an amount. ``amount`` is negative like the credit note's totals: what was
    paid for it, its list amount less ``discount_amount`` (negative too)."""

    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        SHIPPING = "shipping", _("Delivery")
        INSURANCE = "insurance", _("Insurance")
        AMOUNT = "amount", _("Amount")

    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GOODS)
    invoice_line = models.ForeignKey(
        InvoiceLine, null=True, blank=True, on_delete=models.PROTECT, related_name="credited"
    )
    sku = models.CharField(max_length=64, blank=True)
    description_fr = models.CharField(max_length=200)
    description_en = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    unit_price_amount = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    discount_amount = models.DecimalField(default=Decimal("0.00"), **MONEY)
    restocked = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__lte=0), name="credit_note_line_not_positive"),
        ]

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def list_amount(self) -> Decimal:
        return self.amount + self.discount_amount
class ClosedPeriod(models.Model):
    """A tax period the merchant has filed: invoices and credit notes dated inside it are refused
    or flagged when issued afterwards (``ShopSettings.closed_period_policy``)."""

    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    closed_at = models.DateTimeField(_("closed on"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="closed_period_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date} – {self.end_date}"
