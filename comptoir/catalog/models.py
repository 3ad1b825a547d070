from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.core.i18n import LocalizedFieldsMixin
from comptoir.core.page_cache import PageCacheQuerySet, watch

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


class Product(LocalizedFieldsMixin, models.Model):
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
    is_taxable = models.BooleanField(_("taxable"), default=True)
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
        """Saves the row with its folded search columns (derived from the row, nothing else)."""
        columns = product_search_columns(self)
        for name, value in columns.items():
            setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED_FIELDS.intersection(update_fields):
            kwargs["update_fields"] = [*update_fields, *columns]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("storefront:product", kwargs={"slug": self.slug})

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


SEARCHED_FIELDS = {"name_fr", "name_en", "sku", "description_fr", "description_en", "category"}
watch(Category)
watch(Product)


class StockMovement(models.Model):
    """Every change of a product's stock, with its reason (sale, cancellation, adjustment)."""

    class Reason(models.TextChoices):
        SALE = "sale", _("Sale")
        RELEASE = "release", _("Order cancelled or edited")
        ADJUSTMENT = "adjustment", _("Manual adjustment")
        RECEPTION = "reception", _("Goods received")
        RETURN = "return", _("Returned (refund)")

    # PROTECT: stock movements are history; a product that has some cannot be deleted.
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_movements")
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
