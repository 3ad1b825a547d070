"""The demo shop: complete, valid, drawn locally, and safe to load twice."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from comptoir.catalog.models import Category, Product, ProductVariant
from comptoir.merchant.demo.catalogue import CATEGORIES, VARIANT_PRODUCTS
from comptoir.merchant.demo.loader import load_demo_data
from comptoir.merchant.demo.shop import STAFF_DEFAULT_PASSWORD
from comptoir.merchant.models import ShopSettings
from comptoir.orders.models import Order
from comptoir.shipping.models import DeliveryMethod

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_demo_shop_has_complete_valid_business_information():
    ShopSettings.load()  # the unconfigured row a first page view creates
    load_demo_data(with_orders=False)

    shop = ShopSettings.load()
    shop.full_clean()  # GST, QST and NEQ numbers pass the model's validators
    for field in ("legal_name", "trade_name", "address_line1", "city", "postal_code", "phone", "email",
                  "website", "gst_number", "qst_number", "neq", "invoice_footer_fr", "invoice_footer_en",
                  "return_policy_fr", "return_policy_en", "cheque_instructions_fr",
                  "cheque_instructions_en", "alert_email"):
        assert getattr(shop, field), field
    assert shop.city == "Montréal" and shop.province == "QC"
    assert shop.cheque_enabled and "transit" in shop.cheque_instructions_fr
    assert Image.open(shop.logo.path).format == "PNG"


def test_demo_catalogue_is_bilingual_priced_stocked_and_illustrated():
    load_demo_data(with_orders=False)

    assert Category.objects.count() == len(CATEGORIES) >= 6
    products = list(Product.objects.select_related("category"))
    assert len(products) >= 40
    for product in products:
        assert product.name_fr and product.name_en and product.name_fr != product.name_en
        assert product.description_fr and product.description_en
        assert product.price_amount > 0 and product.sale_stock > 0 and product.sku
        with product.image.open("rb") as image_file:
            image = Image.open(io.BytesIO(image_file.read()))
        assert image.format == "PNG" and image.size == (600, 600)
    assert len({p.image.name for p in products}) == len(products)


def test_demo_has_the_three_default_delivery_methods_and_the_owner_account():
    load_demo_data(with_orders=False)

    kinds = dict(DeliveryMethod.objects.values_list("kind", "name_fr"))
    assert kinds == {"shipped": "Livraison à domicile", "pickup": "Cueillette en magasin",
                     "local": "Livraison locale"}
    owner = get_user_model().objects.get(username="marchand")
    assert owner.is_staff and owner.is_superuser and owner.check_password(STAFF_DEFAULT_PASSWORD)


def test_loading_twice_changes_nothing_the_merchant_did():
    load_demo_data(with_orders=False)
    product = Product.objects.get(sku="CAF-001")
    Product.objects.filter(pk=product.pk).update(stock=3)  # sales since the first load
    DeliveryMethod.objects.filter(kind="shipped").update(fee_amount="15.00")
    Product.objects.filter(sku="THE-001").update(price_amount="15.25", name_fr="Sencha de printemps")
    ShopSettings.objects.filter(pk=1).update(phone="514 555-0111")
    owner = get_user_model().objects.get(username="marchand")
    owner.set_password("un-autre-mot-de-passe")
    owner.save()
    image_name = product.image.name

    report = load_demo_data(with_orders=False)

    assert report.images_drawn == 0 and not report.staff_created
    assert Product.objects.count() == sum(len(c.products) for c in CATEGORIES) + len(VARIANT_PRODUCTS)
    assert Category.objects.count() == len(CATEGORIES)
    assert DeliveryMethod.objects.count() == 3
    product.refresh_from_db()
    assert product.stock == 3 and product.image.name == image_name
    assert str(DeliveryMethod.objects.get(kind="shipped").fee_amount) == "15.00"
    tea = Product.objects.get(sku="THE-001")
    assert (str(tea.price_amount), tea.name_fr) == ("15.25", "Sencha de printemps")
    assert ShopSettings.load().phone == "514 555-0111"
    assert get_user_model().objects.get(username="marchand").check_password("un-autre-mot-de-passe")


def test_demo_orders_go_through_the_real_services_once():
    load_demo_data()
    statuses = sorted(Order.objects.values_list("status", flat=True))
    first_stock = dict(Product.objects.values_list("sku", "stock"))
    first_variant_stock = dict(ProductVariant.objects.values_list("sku", "stock"))

    report = load_demo_data()

    assert report.orders_created == 0
    assert sorted(Order.objects.values_list("status", flat=True)) == statuses
    assert dict(Product.objects.values_list("sku", "stock")) == first_stock
    assert dict(ProductVariant.objects.values_list("sku", "stock")) == first_variant_stock
    assert {Order.Status.NEW, Order.Status.AWAITING_PAYMENT, Order.Status.COMPLETED,
            Order.Status.CANCELLED} <= set(statuses)
    completed = Order.objects.filter(status=Order.Status.COMPLETED).select_related("invoice")
    assert completed and all(order.invoice.status == "paid" for order in completed)
    # Stock was taken by the orders (and given back by the cancelled one).
    assert first_stock["CAF-001"] == 60 - 2
    assert first_stock["CHO-001"] == 100


def test_command_prints_the_merchant_login():
    output = io.StringIO()
    call_command("load_demo_data", "--no-orders", stdout=output)

    text = output.getvalue()
    assert "/fr/gestion/" in text and "marchand" in text and STAFF_DEFAULT_PASSWORD in text
    assert "reset_two_factor marchand" in text
    assert Product.objects.count() >= 40


def test_the_demo_invoice_prints_the_neq_once(settings):
    """The PDF prints the registration numbers itself: the demo footer text does not repeat them,
    and a footer a merchant already has is kept as it is."""
    from pypdf import PdfReader

    from comptoir.core.testing import make_order
    from comptoir.invoicing.pdf import render_invoice_pdf
    from comptoir.invoicing.services import issue_invoice

    load_demo_data(with_orders=False)
    shop = ShopSettings.load()
    assert "NEQ" not in shop.invoice_footer_fr + shop.invoice_footer_en
    for language in ("fr", "en"):
        invoice = issue_invoice(make_order(language=language))
        pages = PdfReader(io.BytesIO(render_invoice_pdf(invoice))).pages
        text = "".join(page.extract_text() for page in pages)
        assert text.count(shop.neq) == 1, text
        assert "Payable" in text
    ShopSettings.objects.filter(pk=1).update(invoice_footer_fr="Merci! NEQ 1171234567")
    load_demo_data(with_orders=False)
    assert ShopSettings.load().invoice_footer_fr == "Merci! NEQ 1171234567"


def test_the_demo_sells_a_coffee_by_format_and_a_sweater_by_size():
    load_demo_data(with_orders=False)

    coffee = Product.objects.get(sku="CAF-100")
    sweater = Product.objects.get(sku="TRI-001")
    assert coffee.has_variants and sweater.has_variants
    assert sorted(coffee.variants.values_list("label_fr", "price_amount", "stock")) == [
        ("1 kg", Decimal("39.95"), 15), ("250 g", Decimal("12.95"), 40)]
    assert [v.label_fr for v in sweater.variants.all()] == ["S", "M", "L"]
    assert coffee.price_amount == Decimal("12.95") and coffee.stock == 0
    ProductVariant.objects.filter(product=coffee, label_fr="1 kg").update(stock=2)  # sales since

    load_demo_data(with_orders=False)

    assert coffee.variants.count() == 2
    assert coffee.variants.get(label_fr="1 kg").stock == 2
