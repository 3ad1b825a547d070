"""Forms of « Options et variantes » (a product's options, its variants, their stock)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import MAX_OPTIONS, ProductVariant
from comptoir.catalog.variants import OptionSpec

from .catalog import StockAdjustmentForm
from .common import MoneyField, check_not_negative, clean_image, image_field


class OptionForm(forms.Form):
    """One option: its names and its values, one per line, French and English side by side."""

    name_fr = forms.CharField(label=_("Option (French)"), max_length=60, required=False)
    name_en = forms.CharField(label=_("Option (English)"), max_length=60, required=False)
    values_fr = forms.CharField(label=_("Values (French), one per line"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    values_en = forms.CharField(label=_("Values (English), one per line"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        names_fr = _lines(data.get("values_fr"))
        names_en = _lines(data.get("values_en"))
        if data.get("name_fr", "").strip() and not names_fr:
            self.add_error("values_fr", _("Give at least one value."))
        if len(names_en) > len(names_fr):
            self.add_error("values_en", _("Give as many English values as French ones (or none)."))
        if len({name.casefold() for name in names_fr}) != len(names_fr):
            self.add_error("values_fr", _("Each value appears once."))
        if names_fr and not data.get("name_fr", "").strip():
            self.add_error("name_fr", _("Name the option of these values."))
        data["values"] = [(name, names_en[index] if index < len(names_en) else "")
                          for index, name in enumerate(names_fr)]
        return data

    def spec(self) -> OptionSpec:
        data = self.cleaned_data
        return OptionSpec(data.get("name_fr", "").strip(), data.get("name_en", "").strip(), data["values"])


def _lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


OptionFormSet = forms.formset_factory(OptionForm, extra=0, max_num=MAX_OPTIONS, absolute_max=MAX_OPTIONS)


def option_formset(product, data=None) -> forms.BaseFormSet:
    """The options of ``product`` and blank rows up to ``MAX_OPTIONS``."""
    initial = [{
        "name_fr": option.name_fr, "name_en": option.name_en,
        "values_fr": "\n".join(value.name_fr for value in option.values.all()),
        "values_en": "\n".join(value.name_en for value in option.values.all()),
    } for option in product.options.prefetch_related("values")]
    initial += [{}] * (MAX_OPTIONS - len(initial))
    # Every row is read, blank or unchanged (a row left out would remove its option).
    return OptionFormSet(data, initial=initial, prefix="option", form_kwargs={"empty_permitted": False})


class VariantForm(forms.Form):
    """What the merchant adjusts on one variant (its stock moves through a stock adjustment)."""

    sku = forms.CharField(label=_("Product code (SKU)"), max_length=64)
    price_amount = MoneyField(label=_("Price (CAD, before taxes)"), max_digits=12, decimal_places=2)
    weight_grams = forms.IntegerField(label=_("Weight (g)"), min_value=0, max_value=1_000_000, required=False)
    image = image_field(_("Image"))
    is_active = forms.BooleanField(label=_("For sale"), required=False)

    def __init__(self, *args, variant: ProductVariant, **kwargs):
        kwargs.setdefault("prefix", f"variant-{variant.pk}")
        kwargs.setdefault("initial", {"sku": variant.sku, "price_amount": variant.price_amount,
                                      "weight_grams": variant.weight_grams, "is_active": variant.is_active})
        super().__init__(*args, **kwargs)
        self.variant = variant

    def clean_price_amount(self):
        return check_not_negative(self.cleaned_data.get("price_amount"), _("The price cannot be negative."))

    def clean_sku(self):
        return self.cleaned_data.get("sku", "").strip()

    def clean_image(self):
        return clean_image(self.cleaned_data.get("image"))


class VariantStockForm(StockAdjustmentForm):
    variant = forms.ModelChoiceField(label=_("Variant"), queryset=ProductVariant.objects.none())

    field_order = ["variant", "change", "reason", "note"]

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"].queryset = product.variants.select_related("product")
        self.fields["variant"].label_from_instance = lambda variant: f"{variant.label_fr} ({variant.sku})"
