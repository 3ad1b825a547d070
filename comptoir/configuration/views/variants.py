"""« Options et variantes » of a product (every staff member): its options and values, « Générer
toutes les combinaisons », each variant's SKU, price, weight, picture and sale, and stock
adjustments per variant."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, ProductVariant
from comptoir.catalog.variants import (
    adjust_variant_stock,
    generate_variants,
    save_options,
    update_variants,
)
from comptoir.core.errors import DomainError

from ..forms.variants import VariantForm, VariantStockForm, option_formset
from ..permissions import staff_required


def _product(pk):
    variants = ProductVariant.objects.prefetch_related("values")
    return get_object_or_404(
        Product.objects.select_related("category").prefetch_related(Prefetch("variants", queryset=variants)),
        pk=pk,
    )


@staff_required
def product_variants(request, pk):
    product = _product(pk)
    options = option_formset(product)
    variant_forms = [VariantForm(variant=variant) for variant in product.variants.all()]
    stock_form = VariantStockForm(product=product)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("options", "generate"):
            options = option_formset(product, request.POST)
            if options.is_valid():
                try:
                    with transaction.atomic():  # the options and their variants, or nothing
                        save_options(product, [form.spec() for form in options])
                        if action == "generate":
                            created = generate_variants(product, actor=request.user)
                except DomainError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("%(count)s variants created.") % {"count": len(created)}
                                     if action == "generate" else _("The options have been saved."))
                    return redirect("configuration:product_variants", pk=product.pk)
        elif action == "variants":
            variant_forms = [VariantForm(request.POST, request.FILES, variant=variant)
                             for variant in product.variants.all()]
            if all(form.is_valid() for form in variant_forms):
                try:
                    update_variants(product, [(form.variant, form.cleaned_data) for form in variant_forms])
                except DomainError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("The variants have been saved."))
                    return redirect("configuration:product_variants", pk=product.pk)
        elif action == "stock":
            stock_form = VariantStockForm(request.POST, product=product)
            if stock_form.is_valid():
                data = dict(stock_form.cleaned_data)
                variant = data.pop("variant")
                try:
                    variant = adjust_variant_stock(variant, actor=request.user, **data)
                except DomainError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("The stock of %(name)s is now %(stock)s.")
                                     % {"name": variant.name_fr, "stock": variant.stock})
                    return redirect("configuration:product_variants", pk=product.pk)
        product = _product(pk)  # what is saved, beside the refused form
    movements = product.stock_movements.filter(variant__isnull=False).select_related("actor", "variant")[:15]
    return render(request, "configuration/products/variants.html", {
        "nav": "products", "product": product, "options": options,
        "variant_rows": list(zip(product.variants.all(), variant_forms, strict=True)),
        "stock_form": stock_form, "movements": movements,
    }, status=400 if request.method == "POST" else 200)
