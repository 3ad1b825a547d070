"""Back-office forms: they parse and validate input; services apply the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Product, ProductVariant
from comptoir.core.forms import MoneyField
from comptoir.core.search import SearchField
from comptoir.orders.models import Order
from comptoir.orders.services import MAX_LINE_QUANTITY

from .labels import PAYMENT_METHOD_LABELS


class OrderSearchForm(forms.Form):
    q = SearchField(label=_("Search"))
    status = forms.CharField(required=False, max_length=20)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Order status"), choices=Order.Status.choices)


class AddLineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(),
        error_messages={"invalid_choice": _("This product does not exist any more.")},
    )
    # The variant, for a product sold by variant (``add_order_line`` checks it is the product's).
    variant = forms.ModelChoiceField(
        label=_("Variant"), queryset=ProductVariant.objects.select_related("product"), required=False,
        error_messages={"invalid_choice": _("This product does not exist any more.")},
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=1)


class LineForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY)
    unit_price = MoneyField(label=_("Unit price"), min_value=Decimal("0.00"))


CARD_CHECKED = ("card_last4", "authorization_code")


class InvoicePaymentForm(forms.Form):
    """« Information de paiement »: one payment received (method, which may stay « Aucun »,
    amount, date, reference). The invoice's status is never taken from the request: it follows
    from the payments recorded."""

    method = forms.ChoiceField(label=_("Payment method"), required=False, choices=())
    amount = MoneyField(
        label=_("Amount received"), required=False, min_value=Decimal("0.01"),
        help_text=_("Leave the balance due to settle the invoice, or type the amount received."),
    )
    received_on = forms.DateField(label=_("Date received"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label=_("Reference"), required=False, max_length=120,
        help_text=_("Cheque number, transfer or authorization number."),
    )
    # « Terminal du magasin »: what the terminal's receipt shows, never the card number.
    card_brand = forms.ChoiceField(label=_("Card brand"), required=False, choices=())
    card_last4 = forms.CharField(
        label=_("Last 4 digits of the card"), required=False, max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    authorization_code = forms.CharField(
        label=_("Authorization number"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Payment at the shop's terminal only: as printed on its receipt."),
    )
    confirm_overpayment = forms.BooleanField(label=_("Confirm the overpayment"), required=False)

    def __init__(self, *args, **kwargs):
        from comptoir.payments.models import CardBrand

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            (value, label) for value, label in PAYMENT_METHOD_LABELS.items()
        ]
        self.fields["card_brand"].choices = [("", "—"), *CardBrand.choices]

    def clean(self):
        """A full card number typed in any field is refused, and not shown back in the page."""
        from comptoir.payments.cards import contains_card_number

        data = super().clean()
        # The reference of another method may be a bank's long number: as the payment service.
        at_terminal = self.data.get("method", "") in ("terminal", "")
        names = ("reference", "card_last4", "authorization_code") if at_terminal else CARD_CHECKED
        for name in names:
            if contains_card_number(self.data.get(name, "")):
                self.data = self.data.copy()
                self.data[name] = ""
                self.add_error(name, _(
                    "This looks like a full card number: it is never recorded. Keep only the last 4 "
                    "digits and the authorization number of the terminal's receipt."))
        return data


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app (6 digits) or, at sign-in, a recovery code."""

    code = forms.CharField(
        label=_("Verification code"), max_length=40, strip=True,
        error_messages={"required": _("Enter the code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off",
                                      "spellcheck": "false"}),
    )

    def __init__(self, *args, digits_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.digits_only = digits_only
        if digits_only:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if self.digits_only and not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits shown by the app."))
        if not code.isascii() or not code.isalnum():
            raise forms.ValidationError(_("A code has only digits or letters."))
        return code


class PaymentReversalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=200,
        help_text=_("For example: cheque returned for insufficient funds."),
        error_messages={"required": _("Give the reason of the reversal.")},
    )
class LinesForm(forms.Form):
    """Every line of an order in one form: ``quantity_<id>`` and ``unit_price_<id>``."""

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_ids = []
        for line in lines:
            self.fields[f"quantity_{line.pk}"] = forms.IntegerField(
                label=_("Quantity of « %(name)s »") % {"name": line.name}, min_value=1,
                max_value=MAX_LINE_QUANTITY)
            self.fields[f"unit_price_{line.pk}"] = forms.DecimalField(
                label=_("Unit price of « %(name)s »") % {"name": line.name}, min_value=Decimal("0.00"),
                max_digits=12, decimal_places=2, localize=True)
            self.line_ids.append(line.pk)

    def changes(self) -> dict:
        data = self.cleaned_data
        return {pk: (data[f"quantity_{pk}"], data[f"unit_price_{pk}"]) for pk in self.line_ids}
