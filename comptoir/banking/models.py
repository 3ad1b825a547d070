"""Bank statements imported in « Rapprochement bancaire », and how to read each bank's CSV."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .parsers import DATE_FORMATS

MONEY = {"max_digits": 12, "decimal_places": 2}


class CsvMapping(models.Model):
    """Which column of a bank's CSV export holds what, remembered under the bank's name."""

    class Delimiter(models.TextChoices):
        COMMA = ",", _("Comma (,)")
        SEMICOLON = ";", _("Semicolon (;)")
        TAB = "tab", pgettext_lazy("delimiter", "Tab")

    name = models.CharField(_("bank"), max_length=80, unique=True)
    date_column = models.CharField(_("date column"), max_length=80)
    description_column = models.CharField(_("description column"), max_length=80)
    amount_column = models.CharField(_("amount column"), max_length=80)
    reference_column = models.CharField(_("reference column"), max_length=80, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=3, choices=Delimiter.choices, default=",")
    decimal_comma = models.BooleanField(_("decimal comma (12,50)"), default=False)
    date_format = models.CharField(
        _("date format"), max_length=12, default="%Y-%m-%d",
        choices=[(code, example) for code, example in DATE_FORMATS],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StatementImport(models.Model):
    """One file (or pasted notification) imported: what it brought."""

    class Kind(models.TextChoices):
        OFX = "ofx", _("OFX/QFX statement")
        CSV = "csv", _("CSV statement")
        INTERAC = "interac", _("Interac notification")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    filename = models.CharField(max_length=200, blank=True)
    mapping = models.ForeignKey(CsvMapping, null=True, blank=True, on_delete=models.SET_NULL)
    line_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class BankStatementLine(models.Model):
    """A credit read from the bank. ``fingerprint`` is unique: a statement imported again adds
    nothing; ``payment`` is unique: a line pays at most once."""

    class Status(models.TextChoices):
        OPEN = "open", _("To match")
        MATCHED = "matched", pgettext_lazy("bank line", "Matched")
        DISMISSED = "dismissed", pgettext_lazy("bank line", "Ignored")

    statement = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="lines")
    fingerprint = models.CharField(max_length=64, unique=True)
    posted_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    description = models.CharField(_("description"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    payer_name = models.CharField(_("payer"), max_length=300, blank=True)
    method = models.CharField(max_length=12, default="transfer")  # payments.Payment.Method
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    payment = models.OneToOneField("payments.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="bank_line")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["posted_on", "id"]
        indexes = [models.Index(fields=["status", "posted_on"], name="bankline_status_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="bankline_credit"),
            models.CheckConstraint(
                condition=models.Q(status="matched", payment__isnull=False)
                | (~models.Q(status="matched") & models.Q(payment__isnull=True)),
                name="bankline_matched_has_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.amount} {self.description}"
