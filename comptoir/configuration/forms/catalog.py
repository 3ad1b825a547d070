"""Forms of « Catégories » and « Produits »."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.catalog.models import Category, Product, StockMovement
from comptoir.core.search import SearchField

from ..services import unique_slug
from .common import MoneyField, check_not_negative, clean_image, image_field

BILINGUAL_LABELS = {
    "name_fr": _("Name (French)"), "name_en": _("Name (English)"),
    "description_fr": _("Description (French)"), "description_en": _("Description (English)"),
    "slug": _("Address in the shop (slug)"), "is_visible": _("Visible in the shop"),
}
SLUG_HELP = _("Leave empty to make it from the French name.")


class CategoryForm(forms.ModelForm):
    image = image_field(_("Image"))
    slug = forms.SlugField(label=BILINGUAL_LABELS["slug"], required=False, max_length=140,
                           help_text=SLUG_HELP)

    class Meta:
        model = Category
        fields = ["name_fr", "name_en", "slug", "description_fr", "description_en", "parent",
                  "image", "is_visible"]
        labels = {**BILINGUAL_LABELS, "parent": _("Parent category")}
        widgets = {"description_fr": forms.Textarea(attrs={"rows": 3}),
                   "description_en": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.order_by("position", "name_fr")
        if self.instance.pk:
            # A category cannot be its own parent, nor the child of one of its children.
            parents = parents.exclude(pk__in=_self_and_descendants(self.instance))
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("(none: top level)")

    def clean_image(self):
        return clean_image(self.cleaned_data.get("image"))

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("name_fr"):
            data["slug"] = unique_slug(Category, data["name_fr"], exclude_pk=self.instance.pk,
                                       max_length=140)
        return data


def _self_and_descendants(category: Category) -> set[int]:
    """The ids of ``category`` and every category below it (one query, walked in memory)."""
    children = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = set(), [category.pk]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return found


class ProductForm(forms.ModelForm):
    image = image_field(_("Image"))
    slug = forms.SlugField(label=BILINGUAL_LABELS["slug"], required=False, max_length=160,
                           help_text=SLUG_HELP)

    class Meta:
        model = Product
        fields = ["name_fr", "name_en", "sku", "slug", "category", "description_fr",
                  "description_en", "price_amount", "stock", "tax_status", "image", "is_visible",
                  "low_stock_threshold"]
        labels = {**BILINGUAL_LABELS, "sku": _("Product code (SKU)"), "category": _("Category"),
                  "price_amount": _("Price (CAD, before taxes)"), "stock": _("Opening stock"),
                  "tax_status": _("Tax status"), "low_stock_threshold": _("Low stock threshold")}
        help_texts = {"tax_status": _(
            "Zero-rated: basic groceries (coffee, tea, maple syrup, honey, jams, flour, dairy…), "
            "taxed at 0 %. Taxable: snacks and confectionery, drinks, and all non-food goods "
            "(soap, ceramics, clothing). Exempt: rare in a shop (no tax, not a sale on the return)."
        )}
        widgets = {"description_fr": forms.Textarea(attrs={"rows": 4}),
                   "description_en": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"price_amount": MoneyField}
        error_messages = {"sku": {"unique": _("Another product already uses this SKU.")},
                          "slug": {"unique": _("Another product already uses this address.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("position", "name_fr")
        if self.instance.pk:
            # After creation the stock changes only through « Ajuster le stock » (with a reason).
            del self.fields["stock"]
        if self.instance.has_variants:
            # Sold by variant: each variant has its price (« Options et variantes »).
            del self.fields["price_amount"]

    def clean_price_amount(self):
        return check_not_negative(self.cleaned_data.get("price_amount"),
                                  _("The price cannot be negative."))

    def clean_sku(self):
        return self.cleaned_data.get("sku", "").strip()

    def clean_image(self):
        return clean_image(self.cleaned_data.get("image"))

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("name_fr"):
            data["slug"] = unique_slug(Product, data["name_fr"], exclude_pk=self.instance.pk,
                                       max_length=160)
        return data


class StockAdjustmentForm(forms.Form):
    change = forms.IntegerField(
        label=_("Quantity to add (negative to remove)"), min_value=-1_000_000, max_value=1_000_000
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=[
        (StockMovement.Reason.ADJUSTMENT.value, _("Manual adjustment (count, loss, breakage)")),
        (StockMovement.Reason.RECEPTION.value, _("Goods received")),
    ])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_change(self):
        change = self.cleaned_data["change"]
        if change == 0:
            raise forms.ValidationError(_("Enter a quantity other than 0."))
        return change

    def clean(self):
        data = super().clean()
        if data.get("reason") == StockMovement.Reason.RECEPTION and (data.get("change") or 0) < 0:
            self.add_error("change", _("Goods received add units: to remove some, choose a manual "
                                       "adjustment."))
        return data


class ProductFilterForm(forms.Form):
    q = SearchField(label=_("Search (name or SKU)"))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                      required=False, empty_label=_("All categories"))
    visibility = forms.ChoiceField(label=_("Visibility"), required=False, choices=[
        ("", pgettext_lazy("filter", "All")), ("visible", _("Visible")), ("hidden", _("Hidden"))])
    stock = forms.ChoiceField(label=_("Stock"), required=False, choices=[
        ("", pgettext_lazy("filter", "All")), ("out", _("Out of stock")), ("low", _("Low stock"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("position", "name_fr")
