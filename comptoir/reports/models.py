"""Daily summaries of the sales (the home page's figures) and the accountant's exports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class DailySales(models.Model):
    """Orders placed on one day (shop time zone), per payment method and delivery method,
    cancelled orders left out. Rebuilt for a day by ``rebuild_daily_sales``."""

    day = models.DateField(db_index=True)
    payment_method = models.CharField(max_length=10, blank=True)
    delivery_method_id = models.PositiveIntegerField(null=True)
    delivery_name_fr = models.CharField(max_length=120, blank=True)
    delivery_name_en = models.CharField(max_length=120, blank=True)
    order_count = models.PositiveIntegerField(default=0)
    sales_amount = models.DecimalField(**MONEY)  # before taxes: goods + delivery + insurance
    total_amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "payment_method", "delivery_method_id"], name="daily_sales_one_row",
            ),
        ]


class ProductDailySales(models.Model):
    """Quantity and amount of each product sold on one day (lines of non-cancelled orders)."""

    day = models.DateField(db_index=True)
    product_id = models.PositiveIntegerField(null=True)
    sku = models.CharField(max_length=64)
    name_fr = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "sku"], name="product_daily_sales_one_row"),
        ]


class TaxDailySummary(models.Model):
    """The tax report's figures of the documents dated on one day, per tax province ("" for
    exports), written with the day's other summaries once the day is over."""

    day = models.DateField(db_index=True)
    province = models.CharField(max_length=2, blank=True)
    taxable_amount = models.DecimalField(**MONEY)
    zero_rated_amount = models.DecimalField(**MONEY)
    exempt_amount = models.DecimalField(**MONEY)
    gst_amount = models.DecimalField(**MONEY)
    hst_amount = models.DecimalField(**MONEY, null=True)  # None: no HST in that province
    qst_amount = models.DecimalField(**MONEY)
    pst_amount = models.DecimalField(**MONEY, null=True)  # None: no PST/RST in that province
    invoice_count = models.PositiveIntegerField(default=0)
    credit_note_count = models.PositiveIntegerField(default=0)
    flagged_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "province"], name="tax_daily_summary_one_row"),
        ]


class SummaryDay(models.Model):
    """The days whose summary rows are built (a day without sales has no DailySales row)."""

    day = models.DateField(unique=True)
    built_at = models.DateTimeField(auto_now=True)


class ReportExport(models.Model):
    """One export asked for by the merchant, produced by a task (« En préparation » → file)."""

    class Kind(models.TextChoices):
        TAX_REPORT = "tax_report", _("Tax report")
        SALES_JOURNAL = "journal", _("Sales journal")
        PDF_ARCHIVE = "pdfs", _("Invoice and credit note PDFs")
        NEWS_CUSTOMERS = "news", _("Customers who agreed to receive news")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel workbook")
        ZIP = "zip", _("ZIP of PDFs")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("export"), max_length=12, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    language = models.CharField(_("language of the headers"), max_length=2, default="fr")
    decimal_comma = models.BooleanField(_("decimal comma"), default=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.progress * 100 / self.progress_total) if self.progress_total else 0
