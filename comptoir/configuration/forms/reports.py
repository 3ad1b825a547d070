"""« Rapports et stock »: tax periods, closing policy, low-stock threshold and its daily alert."""

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from comptoir.merchant.models import AlertChannel, ShopSettings

from .settings import ALERT_CHOICES


class ReportSettingsForm(forms.ModelForm):
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("First month of the fiscal year"), coerce=int, choices=list(MONTHS.items()),
    )
    alert_low_stock = forms.ChoiceField(label=_("Daily low-stock alert"), choices=ALERT_CHOICES,
                                        widget=forms.RadioSelect)

    class Meta:
        model = ShopSettings
        fields = ["fiscal_year_start_month", "filing_frequency", "closed_period_policy",
                  "low_stock_threshold", "alert_low_stock"]
        labels = {
            "filing_frequency": _("Tax filing frequency"),
            "closed_period_policy": _("A document dated in a closed tax period"),
            "low_stock_threshold": _("Low stock threshold"),
        }
        widgets = {"closed_period_policy": forms.RadioSelect}

    def clean(self):
        data = super().clean()
        choice = data.get("alert_low_stock")
        shop = self.instance
        if choice in (AlertChannel.SMS, AlertChannel.BOTH) and not shop.alert_mobile:
            self.add_error("alert_low_stock",
                           _("Enter the mobile number for alerts in « Notifications » first."))
        if choice in (AlertChannel.EMAIL, AlertChannel.BOTH) and not (shop.alert_email or shop.email):
            self.add_error("alert_low_stock", _("Enter the email for alerts in « Notifications » first."))
        return data
