"""Back-office forms of shipping, pickup, batch work, filters and exports (parsing only)."""

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from comptoir.core.forms import QuickDateInput, QuickSelect, ShortListModelChoiceField
from comptoir.core.prepared import PreparedQuery
from comptoir.core.search import SearchField
from comptoir.fulfilment.carriers import Carrier
from comptoir.fulfilment.models import BatchJob
from comptoir.orders.models import Order
from comptoir.shipping.models import DeliveryMethod


class OrderFilterForm(forms.Form):
    """The order list's search, status tab and filters (all in the URL)."""

    q = SearchField(label=_("Search"))
    status = forms.CharField(required=False, max_length=20)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    payment = forms.ChoiceField(label=_("Payment method"), required=False, widget=QuickSelect)
    delivery = ShortListModelChoiceField(
        label=_("Delivery method"),
        required=False,
        queryset=DeliveryMethod.objects.order_by("position", "pk"),
        prepared_choices=PreparedQuery(lambda: DeliveryMethod.objects.order_by("position", "pk")),
        empty_label=_("All"),
        widget=QuickSelect,
    )
    paid = forms.ChoiceField(
        label=_("Payment"),
        required=False,
        choices=[("", _("All")), ("paid", _("Paid")), ("unpaid", _("Unpaid"))],
        widget=QuickSelect,
    )
    fulfilment = forms.ChoiceField(
        label=_("Fulfilment"), required=False, choices=[("", _("All")), *Order.Fulfilment.choices],
        widget=QuickSelect,
    )

    FILTER_FIELDS = ["date_from", "date_to", "payment", "delivery", "paid", "fulfilment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].choices = [("", _("All"))] + [
            ("none" if value == "" else value, label) for value, label in Order.PaymentMethod.choices
        ]

    def filters(self) -> dict:
        """Keyword arguments of ``orders.selectors.filter_orders`` (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        payment = data.get("payment") or None
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "payment_method": "" if payment == "none" else payment,
            "delivery_method": data.get("delivery"),
            "paid": data.get("paid", ""),
            "fulfilment": data.get("fulfilment", ""),
        }

    def hidden_filters(self) -> SafeString:
        """The filters set, as the hidden inputs that keep them in the list's other forms (the
        search, the export): one loop over the six filters instead of one per form in the
        template, over every field."""
        values = ((self[name].html_name, self[name].value()) for name in self.FILTER_FIELDS)
        return format_html_join("", '<input type="hidden" name="{}" value="{}">',
                                ((html_name, value) for html_name, value in values if value))

    def has_filters(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in self.FILTER_FIELDS)


class ParcelForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=Carrier.choices)
    carrier_name = forms.CharField(label=_("Carrier name (« Autre »)"), required=False, max_length=60)
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=60)


class ShipmentForm(ParcelForm):
    note = forms.CharField(
        label=_("Note for the customer"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    do_not_notify = forms.BooleanField(label=_("Do not notify the customer"), required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for item in lines:
            name = f"quantity_{item.line.pk}"
            self.fields[name] = forms.IntegerField(
                label=item.line.name, min_value=0, max_value=9999, initial=item.remaining, required=False
            )
            self.line_fields.append((item, name))

    def line_rows(self) -> list:
        """(line to ship, its quantity field) for the template."""
        return [(item, self[name]) for item, name in self.line_fields]

    def quantities(self) -> dict[int, int]:
        return {item.line.pk: self.cleaned_data.get(name) or 0 for item, name in self.line_fields}


class BatchForm(forms.Form):
    ACTIONS = [
        ("invoices", _("Print invoices")),
        ("packing_slips", _("Print packing slips")),
        ("ship", _("Mark as shipped")),
        ("status", _("Change status")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    orders = forms.TypedMultipleChoiceField(coerce=int, required=False)
    all_matching = forms.BooleanField(required=False)
    to = forms.ChoiceField(label=_("New status"), required=False, choices=[("", "—"), *Order.Status.choices])

    def clean_orders(self):
        return self.cleaned_data["orders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any order number: the services refuse those that do not exist.
        self.fields["orders"].valid_value = lambda value: str(value).isdigit() and len(str(value)) < 19


class BatchShipForm(ParcelForm):
    do_not_notify = forms.BooleanField(label=_("Do not notify the customers"), required=False)


class ExportForm(forms.Form):
    DECIMALS = [("comma", _("Decimal comma (1234,56)")), ("point", _("Decimal point (1234.56)"))]
    decimal = forms.ChoiceField(label=_("Decimals"), choices=DECIMALS, required=False)
    what = forms.ChoiceField(choices=[("orders", _("Orders")), ("lines", _("Lines"))], required=False)


BATCH_KINDS = {"invoices": BatchJob.Kind.INVOICES, "packing_slips": BatchJob.Kind.PACKING_SLIPS}
