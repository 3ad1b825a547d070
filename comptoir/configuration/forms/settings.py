"""Forms of the « Configuration » tabs: payments, business information, notifications."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comptoir.core.provinces import Province, validate_postal_code
from comptoir.merchant.models import MAX_REMINDER_DAY, AlertChannel, ShopSettings, parse_reminder_days

from ..selectors import paypal_status
from ..validators import normalize_mobile_e164, normalize_phone
from .common import MoneyField, check_not_negative, clean_image, image_field

PST_PROVINCES = [(Province.BC.value, Province.BC.label), (Province.MB.value, Province.MB.label),
                 (Province.SK.value, Province.SK.label)]


POSTAL_CODE_ERRORS = {
    "postal_code": _("Enter a valid Canadian postal code, for example H2X 1Y4."),
    "postal_code_province": _("This postal code does not belong to the chosen province."),
}


class PaymentSettingsForm(forms.ModelForm):
    """« Paiements ». There is deliberately no field to collect card numbers."""

    class Meta:
        model = ShopSettings
        fields = [
            "order_details_only", "catalogue_mode", "insurance_fee_amount", "paypal_enabled",
            "cheque_enabled", "cheque_instructions_fr", "cheque_instructions_en",
            "cash_on_delivery_enabled",
            # « Rappels de paiement »
            "reminders_enabled", "reminder_days", "expiry_days", "alert_unpaid_summary",
        ]
        labels = {
            "order_details_only": _("Disable payments and only collect the order details"),
            "catalogue_mode": _("Disable online orders and use the shop in catalogue mode"),
            "insurance_fee_amount": _("Add an insurance fee to each order"),
            "paypal_enabled": _("Allow payments with PayPal"),
            "cheque_enabled": _("Allow payments by cheque, money order or transfer"),
            "cheque_instructions_fr": _("Payment instructions (French)"),
            "cheque_instructions_en": _("Payment instructions (English)"),
            "cash_on_delivery_enabled": _("Allow cash on delivery payments"),
            "reminders_enabled": _("Send payment reminders for unpaid invoices"),
            "reminder_days": _("Send a reminder this many days after the invoice"),
            "expiry_days": _("Cancel the unpaid order this many days after the invoice"),
            "alert_unpaid_summary": _("Daily summary of unpaid invoices"),
        }
        help_texts = {
            "reminder_days": _("Days separated by commas, for example 3, 7."),
            "expiry_days": _(
                "Leave empty to never cancel. Cancelling puts the stock back, issues the credit note "
                "and tells the customer."
            ),
            "alert_unpaid_summary": _(
                "Sent while reminders are on, to the email or mobile number of « Notifications »."
            ),
            "insurance_fee_amount": _("A fixed amount in CAD added to every new order (0 for none)."),
            "cheque_instructions_fr": _(
                "Shown to the customer after ordering: payee, address, bank details."
            ),
        }
        field_classes = {"insurance_fee_amount": MoneyField}
        widgets = {
            "alert_unpaid_summary": forms.RadioSelect,
            "cheque_instructions_fr": forms.Textarea(attrs={"rows": 4}),
            "cheque_instructions_en": forms.Textarea(attrs={"rows": 4}),
        }
        # « Virement Interac »
        fields += [
            "interac_enabled", "interac_email", "interac_autodeposit", "interac_question_fr",
            "interac_question_en", "interac_answer",
        ]
        labels |= {
            "interac_enabled": _("Allow payments by Interac e-Transfer"),
            "interac_email": _("Email address receiving the transfers"),
            "interac_autodeposit": _("Autodeposit is on for this address"),
            "interac_question_fr": _("Security question (French)"),
            "interac_question_en": _("Security question (English)"),
            "interac_answer": _("Answer to the security question"),
        }
        help_texts |= {
            "interac_autodeposit": _(
                "With autodeposit, transfers go straight into the account: the customer needs no "
                "security question."
            ),
            "interac_answer": _("Given to the customer with the instructions when autodeposit is off."),
        }

    def clean_insurance_fee_amount(self):
        return check_not_negative(
            self.cleaned_data.get("insurance_fee_amount"), _("The insurance fee cannot be negative.")
        )

    def clean(self):
        data = super().clean()
        if data.get("paypal_enabled") and not paypal_status()["configured"]:
            self.add_error("paypal_enabled", _(
                "PayPal cannot be enabled: the PayPal credentials are not configured on the server."
            ))
        if data.get("cheque_enabled") and not (data.get("cheque_instructions_fr") or "").strip():
            self.add_error("cheque_instructions_fr", _(
                "Enter the instructions (in French at least) that tell the customer how to pay."
            ))
        self._clean_interac(data)
        methods = ("paypal_enabled", "cheque_enabled", "cash_on_delivery_enabled", "interac_enabled")
        if not data.get("order_details_only") and not any(data.get(name) for name in methods):
            raise ValidationError(_(
                "Allow at least one payment method, or disable payments and only collect the "
                "order details."
            ))
        self._clean_reminders(data)
        return data

    def _clean_interac(self, data) -> None:
        if not data.get("interac_enabled"):
            return
        if not data.get("interac_email"):
            self.add_error("interac_email", _(
                "Enter the email address that receives the Interac e-Transfers."
            ))
        if not data.get("interac_autodeposit"):
            if not (data.get("interac_question_fr") or "").strip():
                self.add_error("interac_question_fr", _(
                    "Without autodeposit, enter the security question (in French at least)."
                ))
            if not (data.get("interac_answer") or "").strip():
                self.add_error("interac_answer", _("Without autodeposit, enter the answer."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alert_unpaid_summary"].required = False

    def clean_reminder_days(self):
        if "reminder_days" not in self.data:  # a form without the block leaves it as it is
            return self.instance.reminder_days
        value = self.cleaned_data.get("reminder_days", "")
        return ", ".join(str(day) for day in parse_reminder_days(value))

    def clean_alert_unpaid_summary(self):
        return self.cleaned_data.get("alert_unpaid_summary") or self.instance.alert_unpaid_summary

    def _clean_reminders(self, data) -> None:
        days = parse_reminder_days(data["reminder_days"]) if data.get("reminder_days") else []
        expiry = data.get("expiry_days")
        if data.get("reminders_enabled") and not days and not expiry and "reminder_days" not in self.errors:
            self.add_error("reminder_days", _("Give the days of the reminders, for example 3, 7."))
        if expiry is not None and not 1 <= expiry <= MAX_REMINDER_DAY:
            self.add_error("expiry_days", _("Give a number of days from 1 to %(max)s.")
                           % {"max": MAX_REMINDER_DAY})
        elif expiry and days and expiry <= days[-1]:
            self.add_error("expiry_days", _(
                "The cancellation comes after the last reminder: more than %(days)s days."
            ) % {"days": days[-1]})
        channel = data.get("alert_unpaid_summary")
        shop = self.instance
        if data.get("reminders_enabled") and channel in (AlertChannel.SMS, AlertChannel.BOTH) and (
                not shop.alert_mobile):
            self.add_error("alert_unpaid_summary", _(
                "Enter the mobile number for alerts in « Notifications » first."))


class BusinessInfoForm(forms.ModelForm):
    """« Factures » → « Information de l'entreprise »: what invoices print about the merchant."""

    logo = image_field(_("Logo"))
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    pst_provinces = forms.MultipleChoiceField(
        label=_("Provinces where the shop is registered for PST/RST"), choices=PST_PROVINCES,
        required=False, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ShopSettings
        fields = [
            "legal_name", "trade_name", "address_line1", "address_line2", "city", "province",
            "postal_code", "phone", "email", "website", "logo", "gst_number", "qst_number", "neq",
            "is_tax_registered", "pst_provinces", "invoice_footer_fr", "invoice_footer_en",
            "return_policy_fr", "return_policy_en",
        ]
        labels = {
            "legal_name": _("Legal name"), "trade_name": _("Trade name"),
            "address_line1": _("Address"), "address_line2": _("Address (line 2)"),
            "city": _("City"), "province": _("Province"), "postal_code": _("Postal code"),
            "phone": _("Phone"), "email": _("Email"), "website": _("Website"),
            "gst_number": _("GST/HST registration number"),
            "qst_number": _("QST registration number"), "neq": _("NEQ"),
            "is_tax_registered": _("Registered for GST/HST and QST (uncheck for a small supplier)"),
            "invoice_footer_fr": _("Invoice footer / payment terms (French)"),
            "invoice_footer_en": _("Invoice footer / payment terms (English)"),
            "return_policy_fr": _("Return and cancellation policy (French)"),
            "return_policy_en": _("Return and cancellation policy (English)"),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in (
            "invoice_footer_fr", "invoice_footer_en", "return_policy_fr", "return_policy_en")}

    def clean_logo(self):
        return clean_image(self.cleaned_data.get("logo"), max_side=600)

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return normalize_phone(phone) if phone.strip() else ""

    def clean_gst_number(self):
        return _spaced_tax_number(self.cleaned_data.get("gst_number", ""), "RT")

    def clean_qst_number(self):
        return _spaced_tax_number(self.cleaned_data.get("qst_number", ""), "TQ")

    def clean(self):
        data = super().clean()
        postal_code = data.get("postal_code", "")
        if postal_code:
            try:
                data["postal_code"] = validate_postal_code(postal_code, data.get("province"))
            except ValidationError as error:
                self.add_error("postal_code", POSTAL_CODE_ERRORS.get(error.code, error))
        if data.get("is_tax_registered"):
            if not data.get("gst_number") and "gst_number" not in self.errors:
                self.add_error("gst_number", _("A registered business prints its GST/HST number."))
            if data.get("province") == Province.QC and not data.get("qst_number") and (
                "qst_number" not in self.errors
            ):
                self.add_error("qst_number", _("A registered Québec business prints its QST number."))
        return data


def _spaced_tax_number(value: str, program: str) -> str:
    """« 123456789rt0001 » → « 123456789 RT 0001 »; a malformed value is left for the model's
    validator, whose message shows the expected form."""
    compact = "".join(value.split()).upper()
    head, sep, tail = compact.partition(program)
    return f"{head} {program} {tail}" if sep and head.isdigit() and tail.isdigit() else value.strip()


ALERT_CHOICES = [
    (AlertChannel.EMAIL.value, _("Email")), (AlertChannel.SMS.value, _("SMS")),
    (AlertChannel.BOTH.value, _("Both")), (AlertChannel.NONE.value, _("None")),
]


class NotificationSettingsForm(forms.ModelForm):
    """« Notifications »: where the merchant's alerts go, per event."""

    alert_new_order = forms.ChoiceField(label=_("New order"), choices=ALERT_CHOICES,
                                        widget=forms.RadioSelect)
    alert_payment_received = forms.ChoiceField(label=_("Payment received online"),
                                               choices=ALERT_CHOICES, widget=forms.RadioSelect)
    alert_payment_recorded = forms.ChoiceField(label=_("Payment recorded"),
                                               choices=ALERT_CHOICES, widget=forms.RadioSelect)

    class Meta:
        model = ShopSettings
        fields = ["alert_email", "alert_mobile", "alert_language", "alert_new_order",
                  "alert_payment_received", "alert_payment_recorded"]
        labels = {"alert_email": _("Email for alerts"), "alert_mobile": _("Mobile number for alerts"),
                  "alert_language": _("Language of alerts")}
        help_texts = {"alert_mobile": _("A Canadian or US mobile number, for example 514 555-0142.")}

    def clean_alert_mobile(self):
        mobile = self.cleaned_data.get("alert_mobile", "")
        return normalize_mobile_e164(mobile) if mobile.strip() else ""

    def clean(self):
        data = super().clean()
        choices = [data.get(name) for name in
                   ("alert_new_order", "alert_payment_received", "alert_payment_recorded")]
        wants_sms = any(choice in (AlertChannel.SMS, AlertChannel.BOTH) for choice in choices)
        wants_email = any(choice in (AlertChannel.EMAIL, AlertChannel.BOTH) for choice in choices)
        if wants_sms and not data.get("alert_mobile") and "alert_mobile" not in self.errors:
            self.add_error("alert_mobile", _("Enter the mobile number that receives the SMS alerts."))
        if wants_email and not data.get("alert_email") and "alert_email" not in self.errors:
            self.add_error("alert_email", _("Enter the email address that receives the alerts."))
        return data
