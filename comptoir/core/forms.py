"""Form fields shared by the back-office forms."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .money import AmountError, parse_amount


class MoneyField(forms.DecimalField):
    """An amount in CAD typed the French or the English way (« 16,95 », « 1 234,50 »,
    « 1,234.50 »), read by ``core.money.parse_amount``; shown in the page's language."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter an amount in dollars and cents, for example 16,95."),
        "ambiguous": _("« %(value)s » can be read two ways: write the amount without a thousands "
                       "separator, with its cents if any (for example 1234,50)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(str(value))
        except AmountError as error:
            raise forms.ValidationError(
                self.error_messages[error.code], code=error.code, params={"value": str(value).strip()}
            ) from error

    def widget_attrs(self, widget):
        return {"inputmode": "decimal"}  # no min/step: the browser must not refuse « 12,50 »
