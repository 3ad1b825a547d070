"""Back-office forms: they parse and validate input; services apply the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Product
from comptoir.orders.models import Order
from comptoir.orders.services import MAX_LINE_QUANTITY

from .labels import PAYMENT_METHOD_LABELS


class OrderSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.CharField(required=False, max_length=20)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Order status"), choices=Order.Status.choices)


class AddLineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(),
        error_messages={"invalid_choice": _("This product does not exist any more.")},
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=1)


class LineForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY)
    unit_price = forms.DecimalField(
        label=_("Unit price"), min_value=Decimal("0.00"), max_digits=12, decimal_places=2,
        localize=True,
    )


class InvoicePaymentForm(forms.Form):
    """« Information de paiement »: the method (may stay empty: « Aucun », no method) and the
    invoice status buttons « Non payée » / « Payée ». The amount is never taken from the
    request: recording a payment always settles the balance computed by the server."""

    UNPAID, PAID = "unpaid", "paid"

    method = forms.ChoiceField(label=_("Payment method"), required=False, choices=())
    status = forms.ChoiceField(
        label=_("Invoice status"), widget=forms.RadioSelect,
        choices=[(UNPAID, _("Unpaid")), (PAID, _("Paid"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            (value, label) for value, label in PAYMENT_METHOD_LABELS.items()
        ]


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
