from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.core.i18n import LocalizedFieldsMixin, localized
from comptoir.core.page_cache import PageCacheQuerySet, watch
from comptoir.taxes.models import TaxStatusMixin

from .search import product_search_columns


class Category(LocalizedFieldsMixin, models.Model):
    """A product category; on the storefront a category *is* a page listing its products."""

    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    image = models.ImageField(_("image"), upload_to="categories/", blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_visible = models.BooleanField(_("visible"), default=True)

    objects = PageCacheQuerySet.as_manager()  # writes bump the storefront pages' version

    class Meta:
        ordering = ["position", "name_fr"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("storefront:category", kwargs={"slug": self.slug})


class Product(LocalizedFieldsMixin, TaxStatusMixin, models.Model):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    price_amount = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    low_stock_threshold = models.PositiveIntegerField(
        _("low stock threshold"), null=True, blank=True,
        help_text=_("Empty: the shop's default threshold."),
    )
    # tax_status (TaxStatusMixin): taxable, zero-rated (basic groceries) or exempt.
    # True once the product has options: it is then sold by variant (``ProductVariant``), whose
    # rows carry the price and stock of sale; ``price_amount`` is the lowest variant price
    # (« from ») and ``stock`` is not sold from.
    has_variants = models.BooleanField(_("sold by variant"), default=False, editable=False)
    is_visible = models.BooleanField(_("visible"), default=True)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Folded copies of the searchable text (``catalog.search``), written by ``save``.
    search_name = models.TextField(default="", editable=False)
    search_category = models.TextField(default="", editable=False)
    search_description = models.TextField(default="", editable=False)

    objects = PageCacheQuerySet.as_manager()  # writes bump the storefront pages' version

    class Meta:
        ordering = ["position", "name_fr"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(
                condition=models.Q(price_amount__gte=0), name="product_price_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["category", "is_visible", "position"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Saves the row with its folded search columns (derived from the row and, for a product
        sold by variant, its variants' SKUs)."""
        skus = (list(ProductVariant.objects.filter(product=self).values_list("sku", flat=True))
                if self.has_variants and self.pk else ())
        columns = product_search_columns(self, variant_skus=skus)
        for name, value in columns.items():
            setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED_FIELDS.intersection(update_fields):
            kwargs["update_fields"] = [*update_fields, *columns]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("storefront:product", kwargs={"slug": self.slug})

    @property
    def sale_stock(self) -> int:
        """What can be sold: the stock, or the active variants' stocks added up (read from the
        prefetched ``variants`` when the selector prefetched them)."""
        if not self.has_variants:
            return self.stock
        return sum(variant.stock for variant in self.variants.all() if variant.is_active)

    @property
    def in_stock(self) -> bool:
        return self.sale_stock > 0

    @property
    def active_variants(self) -> list:
        return [variant for variant in self.variants.all() if variant.is_active]


class _OptionName(LocalizedFieldsMixin, models.Model):
    """A bilingual name shown in the order its merchant gave (options and their values)."""

    name_fr = models.CharField(_("name (French)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = PageCacheQuerySet.as_manager()  # writes bump the storefront pages' version

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ProductOption(_OptionName):
    """An option of a product (« Format », « Mouture »): at most ``MAX_OPTIONS`` per product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="options")


class OptionValue(_OptionName):
    """One value of an option (« 250 g », « 1 kg »)."""

    option = models.ForeignKey(ProductOption, on_delete=models.CASCADE, related_name="values")


MAX_OPTIONS = 3


class ProductVariant(models.Model):
    """One combination of a product's option values, sold with its own SKU, price and stock.

    ``label_fr``/``label_en`` (« 1 kg, moulu fin ») are written from the values, in the options'
    order, by ``catalog.variants``; ``name_fr``/``name_en`` add the product's name (« Café du
    Plateau — 1 kg, moulu fin »): what cart lines show and order lines snapshot.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    values = models.ManyToManyField(OptionValue, related_name="variants", blank=True)
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    label_fr = models.CharField(max_length=200, blank=True)
    label_en = models.CharField(max_length=200, blank=True)
    price_amount = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    is_active = models.BooleanField(_("for sale"), default=True)
    position = models.PositiveIntegerField(default=0)

    objects = PageCacheQuerySet.as_manager()  # writes bump the storefront pages' version

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="variant_stock_not_negative"),
            models.CheckConstraint(
                condition=models.Q(price_amount__gte=0), name="variant_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name_fr(self) -> str:
        return f"{self.product.name_fr} — {self.label_fr}"

    @property
    def name_en(self) -> str:
        return f"{self.product.name_en or self.product.name_fr} — {self.label_en or self.label_fr}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def is_taxable(self) -> bool:
        return self.product.is_taxable

    @property
    def is_visible(self) -> bool:
        return self.is_active and self.product.is_visible

    @property
    def low_stock_threshold(self):
        return self.product.low_stock_threshold

    @property
    def display_image(self):
        return self.image or self.product.image


SEARCHED_FIELDS = {"name_fr", "name_en", "sku", "description_fr", "description_en", "category"}
watch(Category)
watch(Product)
watch(ProductOption)
watch(OptionValue)
watch(ProductVariant)


class StockMovement(models.Model):
    """Every change of a product's (or variant's) stock, with its reason (sale, cancellation, adjustment)."""

    class Reason(models.TextChoices):
        SALE = "sale", _("Sale")
        RELEASE = "release", _("Order cancelled or edited")
        ADJUSTMENT = "adjustment", _("Manual adjustment")
        RECEPTION = "reception", _("Goods received")
        RETURN = "return", _("Returned (refund)")

    # PROTECT: stock movements are history; a product that has some cannot be deleted.
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_movements")
    # The variant whose stock changed (empty for a product sold without variants).
    variant = models.ForeignKey(ProductVariant, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="stock_movements")
    change = models.IntegerField(_("change"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    order_number = models.PositiveBigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
