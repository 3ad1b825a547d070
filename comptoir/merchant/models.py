from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.i18n import localized
from comptoir.core.page_cache import watch
from comptoir.core.prepared import PreparedQuery
from comptoir.core.provinces import Province

GST_NUMBER_VALIDATOR = RegexValidator(
    r"^\d{9} ?RT ?\d{4}$", _("A GST/HST number looks like 123456789 RT 0001.")
)
QST_NUMBER_VALIDATOR = RegexValidator(
    r"^\d{10} ?TQ ?\d{4}$", _("A QST number looks like 1234567890 TQ 0001.")
)
NEQ_VALIDATOR = RegexValidator(r"^\d{10}$", _("A NEQ has 10 digits."))


MAX_REMINDER_DAY = 365
MAX_REMINDERS = 5


def parse_reminder_days(value: str) -> list[int]:
    """« 3, 7 » → [3, 7]: whole numbers of days from 1 to 365, ascending, at most 5; raises
    ``ValidationError`` otherwise."""
    parts = [part.strip() for part in (value or "").split(",")]
    if parts == [""]:
        return []
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValidationError(_("Give whole numbers of days separated by commas, for example 3, 7."),
                              code="reminder_days")
    days = [int(part) for part in parts]
    if any(day < 1 or day > MAX_REMINDER_DAY for day in days):
        raise ValidationError(_("Each reminder is sent 1 to %(max)s days after the invoice.")
                              % {"max": MAX_REMINDER_DAY}, code="reminder_days")
    if days != sorted(set(days)):
        raise ValidationError(_("Give the days in increasing order, each once."), code="reminder_days")
    if len(days) > MAX_REMINDERS:
        raise ValidationError(_("At most %(count)s reminders.") % {"count": MAX_REMINDERS},
                              code="reminder_days")
    return days


def validate_reminder_days(value: str) -> None:
    parse_reminder_days(value)


class AlertChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    BOTH = "both", _("Email and SMS")
    NONE = "none", _("None")


class FilingFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class ClosedPeriodPolicy(models.TextChoices):
    REFUSE = "refuse", _("Refuse the document")
    FLAG = "flag", _("Issue it and flag it in the tax report")


MONTH_CHOICES = [(month, month) for month in range(1, 13)]


class ShopSettings(models.Model):
    """The shop's own profile: business information, payment and notification settings.

    One row (pk=1); ``ShopSettings.load()`` returns it. Orders and invoices snapshot what they
    need at the time they are created, so a change here applies to new orders only.
    """

    # « Information de l'entreprise »
    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (line 2)"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(
        _("province"), max_length=2, choices=Province.choices, default=Province.QC
    )
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="merchant/", blank=True)
    gst_number = models.CharField(
        _("GST/HST number"), max_length=20, blank=True, validators=[GST_NUMBER_VALIDATOR]
    )
    qst_number = models.CharField(
        _("QST number"), max_length=20, blank=True, validators=[QST_NUMBER_VALIDATOR]
    )
    neq = models.CharField(_("NEQ"), max_length=10, blank=True, validators=[NEQ_VALIDATOR])
    is_tax_registered = models.BooleanField(
        _("registered for GST/HST and QST"),
        default=True,
        help_text=_("A small supplier that is not registered charges no tax."),
    )
    pst_provinces = models.JSONField(
        _("provinces where the shop is registered for PST/RST"), default=list, blank=True
    )
    invoice_footer_fr = models.TextField(_("invoice footer / payment terms (French)"), blank=True)
    invoice_footer_en = models.TextField(_("invoice footer / payment terms (English)"), blank=True)
    return_policy_fr = models.TextField(_("return and cancellation policy (French)"), blank=True)
    return_policy_en = models.TextField(_("return and cancellation policy (English)"), blank=True)

    # « Paiements »
    order_details_only = models.BooleanField(
        _("Disable payments and only collect the order details"), default=False
    )
    catalogue_mode = models.BooleanField(
        _("Disable online orders and use the shop in catalogue mode"), default=False
    )
    currency = models.CharField(_("currency"), max_length=3, default="CAD", editable=False)
    insurance_fee_amount = models.DecimalField(
        _("insurance fee for each order"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    paypal_enabled = models.BooleanField(_("Allow payments with PayPal"), default=False)
    cheque_enabled = models.BooleanField(
        _("Allow payments by cheque, money order or transfer"), default=True
    )
    cheque_instructions_fr = models.TextField(_("payment instructions (French)"), blank=True)
    cheque_instructions_en = models.TextField(_("payment instructions (English)"), blank=True)
    cash_on_delivery_enabled = models.BooleanField(
        _("Allow cash on delivery payments"), default=False
    )
    # « Virement Interac »: where the customers send their e-Transfers, and what they need when
    # the account does not deposit them automatically (the security question and its answer).
    interac_enabled = models.BooleanField(_("Allow payments by Interac e-Transfer"), default=False)
    interac_email = models.EmailField(_("email address receiving the transfers"), blank=True)
    interac_autodeposit = models.BooleanField(_("Autodeposit is on"), default=True)
    interac_question_fr = models.CharField(_("security question (French)"), max_length=200, blank=True)
    interac_question_en = models.CharField(_("security question (English)"), max_length=200, blank=True)
    interac_answer = models.CharField(_("answer to the security question"), max_length=100, blank=True)
    # « Rappels de paiement » (payments.reminders): unpaid invoices, reminders and expiry.
    reminders_enabled = models.BooleanField(_("Send payment reminders for unpaid invoices"), default=False)
    reminder_days = models.CharField(
        _("days after the invoice"), max_length=40, default="3,7", blank=True,
        validators=[validate_reminder_days],
    )
    expiry_days = models.PositiveSmallIntegerField(
        _("cancel unpaid orders after this many days"), null=True, blank=True
    )
    alert_unpaid_summary = models.CharField(
        _("daily summary of unpaid invoices"), max_length=5, choices=AlertChannel.choices,
        default=AlertChannel.EMAIL,
    )

    # « Notifications »
    alert_email = models.EmailField(_("email for alerts"), blank=True)
    alert_mobile = models.CharField(_("mobile number for alerts"), max_length=20, blank=True)
    alert_language = models.CharField(
        _("language of alerts"), max_length=2, default="fr", choices=[("fr", "Français"), ("en", "English")]
    )
    alert_new_order = models.CharField(
        _("new order"), max_length=5, choices=AlertChannel.choices, default=AlertChannel.EMAIL
    )
    alert_payment_received = models.CharField(
        _("payment received"), max_length=5, choices=AlertChannel.choices, default=AlertChannel.EMAIL
    )
    alert_payment_recorded = models.CharField(
        _("payment recorded"), max_length=5, choices=AlertChannel.choices, default=AlertChannel.EMAIL
    )
    alert_low_stock = models.CharField(
        _("low stock (once a day)"), max_length=5, choices=AlertChannel.choices, default=AlertChannel.NONE
    )
    low_stock_threshold = models.PositiveIntegerField(
        _("low stock threshold"), default=5,
        help_text=_("A product is low on stock at or below this quantity, unless it has its own threshold."),
    )

    # « Rapports et taxes »
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("first month of the fiscal year"), default=1, choices=MONTH_CHOICES
    )
    filing_frequency = models.CharField(
        _("tax filing frequency"), max_length=10, choices=FilingFrequency.choices,
        default=FilingFrequency.QUARTERLY,
    )
    closed_period_policy = models.CharField(
        _("a document dated in a closed period"), max_length=6, choices=ClosedPeriodPolicy.choices,
        default=ClosedPeriodPolicy.REFUSE,
    )

    # « Comptes » (two-factor sign-in: always required for the owners)
    staff_two_factor_required = models.BooleanField(
        _("Require two-factor sign-in for all staff"), default=False
    )

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(insurance_fee_amount__gte=0), name="insurance_fee_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(pk=1), name="shop_settings_singleton"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @classmethod
    def load(cls) -> "ShopSettings":
        """The shop's one row (created the first time): read by a prepared query, as most
        requests read it."""
        rows = _SHOP_SETTINGS(pk=1)
        if rows:
            return rows[0]
        settings, _created = cls.objects.get_or_create(pk=1, defaults={"legal_name": "Comptoir"})
        return settings

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    def cheque_instructions(self, language: str | None = None) -> str:
        return localized(self, "cheque_instructions", language)

    def interac_question(self, language: str | None = None) -> str:
        return localized(self, "interac_question", language)

    def reminder_day_list(self) -> list[int]:
        try:
            return parse_reminder_days(self.reminder_days)
        except ValidationError:
            return []

    def invoice_footer(self, language: str | None = None) -> str:
        return localized(self, "invoice_footer", language)

    def return_policy(self, language: str | None = None) -> str:
        return localized(self, "return_policy", language)

    def message_data(self) -> dict:
        """The shop as its emails present it (JSON data for a message's context)."""
        city_line = " ".join(
            part for part in [self.city, f"({self.province})" if self.city else "", self.postal_code] if part
        )
        return {
            "legal_name": self.legal_name, "display_name": self.display_name,
            "trade_name": self.trade_name if self.trade_name != self.legal_name else "",
            "address": [line for line in [self.address_line1, self.address_line2, city_line] if line],
            "phone": self.phone, "email": self.email, "website": self.website,
            "gst_number": self.gst_number, "qst_number": self.qst_number,
        }

    def business_snapshot(self) -> dict:
        """What documents print about the merchant, frozen at the time they are issued."""
        return {
            "legal_name": self.legal_name,
            "trade_name": self.trade_name,
            "address_line1": self.address_line1,
            "address_line2": self.address_line2,
            "city": self.city,
            "province": self.province,
            "postal_code": self.postal_code,
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
            "gst_number": self.gst_number,
            "qst_number": self.qst_number,
            "neq": self.neq,
            "logo": self.logo.name if self.logo else "",
            "invoice_footer_fr": self.invoice_footer_fr,
            "invoice_footer_en": self.invoice_footer_en,
        }


watch(ShopSettings)  # the storefront pages show the shop's name, address, logo and modes


_SHOP_SETTINGS = PreparedQuery(lambda pk: ShopSettings.objects.filter(pk=pk), pk=(1, 2))
