from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Category, Product
from comptoir.promotions.models import Promotion
from comptoir.promotions.services import normalize_code

from .common import MoneyField


class PromotionForm(forms.ModelForm):
    """« Promotions »: a discount code or an automatic promotion."""

    skus = forms.CharField(
        label=_("Products (SKU)"), required=False, max_length=2000,
        help_text=_("Product codes separated by commas. With neither products nor categories, the "
                    "promotion applies to the whole order."),
    )

    class Meta:
        model = Promotion
        fields = ["name", "code", "kind", "value", "categories", "minimum_amount", "starts_on", "ends_on",
                  "usage_limit", "per_customer_limit", "combinable", "is_active"]
        labels = {"name": _("Name"), "code": _("Promo code"), "kind": _("Discount"), "value": _("Value"),
                  "categories": _("Categories"), "minimum_amount": _("Minimum order (CAD)"),
                  "starts_on": _("From"), "ends_on": _("Until (included)"), "usage_limit": _("Total uses"),
                  "per_customer_limit": _("Uses per customer"),
                  "combinable": _("Combinable with other promotions"),
                  "is_active": _("Active")}
        field_classes = {"value": MoneyField, "minimum_amount": MoneyField}
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.order_by("position", "name_fr")
        self.fields["categories"].required = False
        self.fields["value"].required = False
        self.fields["minimum_amount"].required = False
        if self.instance.pk and not self.is_bound:
            skus = self.instance.products.order_by("sku").values_list("sku", flat=True)
            self.initial["skus"] = ", ".join(skus)

    def clean_code(self):
        code = normalize_code(self.cleaned_data.get("code", ""))
        taken = Promotion.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if code and taken.exists():
            raise forms.ValidationError(_("Another promotion already uses this code."))
        return code

    def clean_skus(self):
        wanted = {sku.strip() for sku in self.cleaned_data.get("skus", "").split(",") if sku.strip()}
        products = list(Product.objects.filter(sku__in=wanted))
        unknown = sorted(wanted - {product.sku for product in products})
        if unknown:
            raise forms.ValidationError(_("No product has the code %(skus)s.") % {"skus": ", ".join(unknown)})
        return products

    def clean(self):
        data = super().clean()
        kind, value = data.get("kind"), data.get("value") or Decimal("0.00")
        data["value"], data["minimum_amount"] = value, data.get("minimum_amount") or Decimal("0.00")
        if data["minimum_amount"] < 0:
            self.add_error("minimum_amount", _("The minimum cannot be negative."))
        if kind == Promotion.Kind.PERCENT and not 0 < value <= 100:
            self.add_error("value", _("Enter a percentage greater than 0 and at most 100."))
        elif kind == Promotion.Kind.AMOUNT and value <= 0:
            self.add_error("value", _("Enter an amount greater than zero."))
        elif kind == Promotion.Kind.FREE_DELIVERY:
            data["value"] = Decimal("0.00")
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date comes before the start date."))
        return data

    def save(self, commit=True):
        promotion = super().save(commit=commit)
        if commit:
            promotion.products.set(self.cleaned_data["skus"])
        return promotion
