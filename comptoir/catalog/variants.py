"""Products sold by variant: the combinations of a product's option values, and finding the
variant a customer chose.

A product has at most ``MAX_OPTIONS`` options (« Format », « Mouture »), each with its values
(« 250 g », « 1 kg »); a variant is one combination, with one value of each option. The
back-office writes them through ``configuration.variants``.
"""

from dataclasses import dataclass, field
from itertools import product as cartesian

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError

from .models import MAX_OPTIONS, OptionValue, Product, ProductOption, ProductVariant, StockMovement
from .stock import change_stock, lock_stock_rows


def combinations(options) -> list[tuple]:
    """Every combination of one value per option, in the options' and values' order."""
    value_lists = [list(option.values.all()) for option in options]
    if not value_lists or any(not values for values in value_lists):
        return []
    return list(cartesian(*value_lists))


def labels(values) -> tuple[str, str]:
    """The variant's label in French and English (« 1 kg, moulu fin »), values in option order."""
    values = sorted(values, key=lambda value: (value.option.position, value.option_id))
    return (", ".join(value.name_fr for value in values),
            ", ".join(value.name_en or value.name_fr for value in values))


def find_variant(product: Product, value_ids) -> ProductVariant | None:
    """The variant of ``product`` made of exactly ``value_ids`` (one value per option), active
    or not; ``None`` when no variant has that combination. Reads the prefetched ``variants``
    (with their ``values``) when the caller prefetched them."""
    wanted = set(value_ids)
    for variant in product.variants.all():
        if {value.pk for value in variant.values.all()} == wanted:
            return variant
    return None


# --- Writing options and variants (the back-office « Produits » screen, demo and bench data) ---


class VariantError(DomainError):
    pass


@dataclass
class OptionSpec:
    """An option as typed: its names and its values' (French, English) names, in order."""

    name_fr: str
    name_en: str = ""
    values: list = field(default_factory=list)


def save_options(product: Product, specs: list[OptionSpec]) -> None:
    """Write the options of ``product`` in the order given: an option keeps its values whose
    French name is typed again, gains the new ones and loses the others. A value or option that
    a variant uses is not removed (the variant keeps its history): deactivate the variant."""
    specs = [spec for spec in specs if spec.name_fr.strip()]
    if len(specs) > MAX_OPTIONS:
        raise VariantError(_("A product has at most %(count)s options.") % {"count": MAX_OPTIONS},
                           code="too_many_options")
    for spec in specs:
        if not [value for value in spec.values if value[0].strip()]:
            raise VariantError(_("Give the values of « %(option)s ».") % {"option": spec.name_fr},
                               code="no_values")
    with transaction.atomic():
        existing = list(ProductOption.objects.filter(product=product).prefetch_related("values"))
        for position, spec in enumerate(specs):
            option = existing[position] if position < len(existing) else ProductOption(product=product)
            option.name_fr, option.name_en = spec.name_fr.strip(), spec.name_en.strip()
            option.position = position
            option.save()
            current = {value.name_fr.casefold(): value for value in option.values.all()}
            typed = [(fr.strip(), en.strip()) for fr, en in spec.values if fr.strip()]
            for value_position, (name_fr, name_en) in enumerate(typed):
                value = current.pop(name_fr.casefold(), None) or OptionValue(option=option)
                value.name_fr, value.name_en, value.position = name_fr, name_en, value_position
                value.save()
            for gone in current.values():
                _delete_unused(gone, gone.variants.exists(), gone.name_fr)
        for option in existing[len(specs):]:
            _delete_unused(option, ProductVariant.objects.filter(values__option=option).exists(),
                           option.name_fr)
        relabel_variants(product)


def _delete_unused(row, used: bool, name: str) -> None:
    if used:
        raise VariantError(
            _("« %(name)s » is used by variants: it stays (deactivate the variants instead).")
            % {"name": name}, code="in_use")
    row.delete()


def relabel_variants(product: Product) -> None:
    """Rewrite the variants' labels from their values (after options were renamed)."""
    for variant in ProductVariant.objects.filter(product=product).prefetch_related("values__option"):
        label_fr, label_en = labels(variant.values.all())
        if (variant.label_fr, variant.label_en) != (label_fr, label_en):
            variant.label_fr, variant.label_en = label_fr, label_en
            variant.save(update_fields=["label_fr", "label_en"])


def generate_variants(product: Product, *, actor) -> list[ProductVariant]:
    """Create the variants of every combination not made yet, at the product's price with a
    stock of 0; variants missing a value of a (new) option are deactivated. The first time, the
    product's own stock goes to the first variant (two stock movements say so)."""
    with transaction.atomic():
        options = list(ProductOption.objects.filter(product=product).prefetch_related("values"))
        if not options:
            raise VariantError(_("Add an option and its values first."), code="no_options")
        variants = list(ProductVariant.objects.filter(product=product).prefetch_related("values"))
        made = {frozenset(value.pk for value in variant.values.all()) for variant in variants}
        position = len(variants)
        created = []
        for combination in combinations(options):
            if frozenset(value.pk for value in combination) in made:
                continue
            label_fr, label_en = labels(combination)
            variant = ProductVariant.objects.create(
                product=product, sku=_free_sku(f"{product.sku}-{slugify(label_fr).upper()}"),
                label_fr=label_fr, label_en=label_en, price_amount=product.price_amount,
                position=position,
            )
            variant.values.set(combination)
            created.append(variant)
            position += 1
        for variant in variants:
            if variant.is_active and len(variant.values.all()) != len(options):
                variant.is_active = False
                variant.save(update_fields=["is_active"])
        if not product.has_variants and created:
            _move_product_stock(product, created[0], actor=actor)
        refresh_product(product)
    return created


def _move_product_stock(product: Product, variant: ProductVariant, *, actor) -> None:
    if not Product.objects.filter(pk=product.pk, stock__gt=0).exists():
        return  # nothing to move, no row to lock
    product_key, variant_key = (product.pk, None), (product.pk, variant.pk)
    rows = lock_stock_rows([product_key, variant_key])
    stock = rows[product_key].stock
    if stock:
        change_stock({product_key: -stock, variant_key: stock}, reason=StockMovement.Reason.ADJUSTMENT,
                     actor=actor, note=_("Stock moved to the variant « %(variant)s »")
                     % {"variant": variant.label_fr})
        product.stock = 0


def _free_sku(wanted: str) -> str:
    base = wanted[:58].rstrip("-")
    candidate, number = base, 2
    while (ProductVariant.objects.filter(sku__iexact=candidate).exists()
           or Product.objects.filter(sku__iexact=candidate).exists()):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def update_variant(variant: ProductVariant, *, sku: str, price_amount, weight_grams=None,
                   is_active: bool = True, image=None) -> ProductVariant:
    """Save what the back-office edits of a variant (never its stock: ``adjust_variant_stock``)."""
    sku = (sku or "").strip()
    if not sku:
        raise VariantError(_("Enter the SKU of « %(variant)s ».") % {"variant": variant.label}, code="sku")
    taken = (ProductVariant.objects.filter(sku__iexact=sku).exclude(pk=variant.pk).exists()
             or Product.objects.filter(sku__iexact=sku).exists())
    if taken:
        raise VariantError(_("The SKU %(sku)s is already used.") % {"sku": sku}, code="sku_taken")
    if price_amount is None or price_amount < 0:
        raise VariantError(_("The price must be an amount of 0 or more."), code="price")
    with transaction.atomic():
        variant.sku, variant.price_amount, variant.weight_grams = sku, price_amount, weight_grams
        variant.is_active = bool(is_active)
        fields = ["sku", "price_amount", "weight_grams", "is_active"]
        if image is not None:
            variant.image = image
            fields.append("image")
        variant.save(update_fields=fields)
        refresh_product(variant.product)
    return variant


def update_variants(product: Product, changes: list[tuple[ProductVariant, dict]]) -> None:
    """Save several variants of ``product`` at once (``update_variant``'s keywords per variant):
    all of them or, when one is refused, none."""
    with transaction.atomic():
        for variant, values in changes:
            if variant.product_id != product.pk:
                raise VariantError(_("This variant is not one of the product's."), code="other_product")
            variant.product = product
            update_variant(variant, **values)


def adjust_variant_stock(variant: ProductVariant, *, change: int, reason: str, note: str = "",
                         actor) -> ProductVariant:
    """Add ``change`` (negative to remove) to the variant's stock, with a stock movement of that
    reason; never below 0."""
    if change == 0:
        raise VariantError(_("Enter a quantity other than 0."), code="zero")
    if reason not in (StockMovement.Reason.ADJUSTMENT, StockMovement.Reason.RECEPTION):
        raise VariantError(_("Choose the reason of the adjustment."), code="reason")
    with transaction.atomic():
        key = (variant.product_id, variant.pk)
        locked = lock_stock_rows([key])[key]
        if locked.stock + change < 0:
            raise VariantError(
                _("The stock of %(product)s cannot go below 0 (it is %(stock)s).")
                % {"product": locked.name, "stock": locked.stock}, code="negative")
        change_stock({key: change}, reason=reason, note=note, actor=actor)
    locked.stock += change
    return locked


def refresh_product(product: Product) -> None:
    """The product's copies of its variants: sold by variant or not, its « from » price (the
    lowest active variant price) and its searched SKUs."""
    # Read from the database, not from variants the caller may have prefetched before a change.
    variants = ProductVariant.objects.filter(product=product)
    prices = list(variants.filter(is_active=True).values_list("price_amount", flat=True))
    product.has_variants = variants.exists()
    if prices:
        product.price_amount = min(prices)
    product.save(update_fields=["has_variants", "price_amount", "updated_at", "search_name"])
