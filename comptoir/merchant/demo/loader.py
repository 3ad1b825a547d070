"""Loads the demo shop. Every step is idempotent: running it again creates only what is missing
and never undoes what the merchant changed since (business information, catalogue, stock,
delivery methods, password)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from comptoir.catalog.models import Category, Product, ProductVariant
from comptoir.catalog.variants import OptionSpec, generate_variants, refresh_product, save_options
from comptoir.core.shared_state import configuration_changed
from comptoir.merchant.models import ShopSettings
from comptoir.shipping.models import DeliveryMethod
from comptoir.taxes.models import TaxStatus

from . import images
from .catalogue import CATEGORIES, VARIANT_PRODUCTS, ZERO_RATED
from .orders import load_demo_orders
from .shop import DEFAULT_DELIVERY_METHODS, SHOP, STAFF_DEFAULT_PASSWORD, STAFF_USERNAME


@dataclass
class DemoReport:
    categories: int = 0
    products: int = 0
    images_drawn: int = 0
    staff_created: bool = False
    orders_created: int = 0
    notes: list[str] = field(default_factory=list)


def load_shop_settings() -> ShopSettings:
    """The demo business, unless the merchant already filled in their own."""
    shop = ShopSettings.objects.filter(pk=1).first()
    if shop is None or shop.legal_name in ("", "Comptoir"):  # absent, or never configured
        ShopSettings.objects.update_or_create(pk=1, defaults=SHOP)
    shop = ShopSettings.load()
    if shop.legal_name == SHOP["legal_name"] and not _file_exists(shop.logo):
        shop.logo.save("logo.png", ContentFile(images.logo(SHOP["trade_name"])), save=True)
    return shop


def load_delivery_methods() -> dict[str, DeliveryMethod]:
    """The three default delivery methods, keyed by kind. Existing ones keep the merchant's edits
    (fee, names, …): only missing methods are created."""
    methods = {}
    for position, spec in enumerate(DEFAULT_DELIVERY_METHODS):
        code, kind, name_fr, name_en, fee, free_from, delay_fr, delay_en, text_fr, text_en = spec
        methods[kind], _created = DeliveryMethod.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind, "name_fr": name_fr, "name_en": name_en, "fee_amount": Decimal(fee),
                "free_shipping_threshold_amount": Decimal(free_from) if free_from else None,
                "expected_delay_fr": delay_fr, "expected_delay_en": delay_en,
                "description_fr": text_fr, "description_en": text_en,
                "position": position, "is_active": True,
            },
        )
    return methods


def load_catalogue(report: DemoReport) -> None:
    for position, demo in enumerate(CATEGORIES):
        category, _created = Category.objects.get_or_create(
            slug=demo.slug,
            defaults={"name_fr": demo.name_fr, "name_en": demo.name_en, "position": position,
                      "description_fr": demo.description_fr, "description_en": demo.description_en,
                      "is_visible": True},
        )
        report.categories += 1
        for product_position, spec in enumerate(demo.products):
            _load_product(category, demo, spec, product_position, report)
        for spec in VARIANT_PRODUCTS:
            if spec[0] == demo.slug:
                _load_variant_product(category, demo, spec, len(demo.products), report)


def _load_variant_product(category, demo, spec, position: int, report: DemoReport) -> Product:
    """A product sold by variant: its options, every combination, each priced and stocked. Made
    once: a product that already has its variants is left as the merchant keeps it."""
    _category_slug, sku, name_fr, name_en, description_fr, description_en, options, variants = spec
    lowest = min(Decimal(price) for price, _stock in variants.values())
    product = _load_product(category, demo, (sku, name_fr, name_en, description_fr, description_en,
                                             str(lowest), 0), position, report)
    if product.has_variants:
        return product
    save_options(product, [OptionSpec(fr, en, list(values)) for fr, en, values in options])
    generate_variants(product, actor=None)
    wanted = {frozenset(key): value for key, value in variants.items()}
    for variant in ProductVariant.objects.filter(product=product).prefetch_related("values"):
        price, stock = wanted[frozenset(value.name_fr for value in variant.values.all())]
        ProductVariant.objects.filter(pk=variant.pk).update(price_amount=Decimal(price), stock=stock)
    refresh_product(product)
    return product


def _load_product(category, demo, spec, position: int, report: DemoReport) -> Product:
    sku, name_fr, name_en, description_fr, description_en, price, stock = spec
    values = {"category": category, "slug": _slug(sku, name_fr), "name_fr": name_fr,
              "name_en": name_en, "description_fr": description_fr,
              "description_en": description_en, "price_amount": Decimal(price),
              "position": position, "is_visible": True,
              "tax_status": TaxStatus.ZERO_RATED if sku in ZERO_RATED else TaxStatus.TAXABLE}
    # Created once: a second run must not undo the merchant's edits nor the sales since the first.
    product, _created = Product.objects.get_or_create(sku=sku, defaults={**values, "stock": stock})
    if not _file_exists(product.image):
        card = images.product_card(name_fr, demo.colour, demo.icon)
        product.image.save(f"{product.slug}.png", ContentFile(card), save=False)
        Product.objects.filter(pk=product.pk).update(image=product.image.name)
        report.images_drawn += 1
    report.products += 1
    return product


def load_staff_user(*, password: str = STAFF_DEFAULT_PASSWORD) -> bool:
    """The owner's account (a superuser). An existing account keeps its password."""
    User = get_user_model()
    user = User.objects.filter(username=STAFF_USERNAME).first()
    if user is not None:
        if not (user.is_staff and user.is_superuser and user.is_active):
            user.is_staff = user.is_superuser = user.is_active = True
            user.save(update_fields=["is_staff", "is_superuser", "is_active"])
        return False
    User.objects.create_superuser(
        username=STAFF_USERNAME, email=SHOP["alert_email"], password=password,
        first_name="Camille", last_name="Gagnon",
    )
    return True


def load_demo_data(*, password: str = STAFF_DEFAULT_PASSWORD, with_orders: bool = True) -> DemoReport:
    report = DemoReport()
    with transaction.atomic():
        load_shop_settings()
        load_delivery_methods()
        load_catalogue(report)
        report.staff_created = load_staff_user(password=password)
        configuration_changed()
    if with_orders:
        report.orders_created = load_demo_orders(report)
    return report


def _slug(sku: str, name_fr: str) -> str:
    return slugify(name_fr)[:140] or sku.lower()


def _file_exists(field_file) -> bool:
    return bool(field_file) and default_storage.exists(field_file.name)
