"""When a promotion applies: dates in the shop's time zone, minimum, limits, unknown codes."""

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from comptoir.catalog.models import Product
from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.orders.models import Order
from comptoir.promotions.models import Promotion, PromotionUsage
from comptoir.promotions.services import Goods, PromotionError, check_code

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def shop():
    make_delivery_methods()
    return make_shop()


def goods(amount="100.00"):
    product = make_product(price_amount=D(amount))
    return [Goods(product.pk, product.category_id, D(amount))]


def refusal(code, items, **kwargs):
    with pytest.raises(PromotionError) as error:
        check_code(code, items, **kwargs)
    return str(error.value)


def test_a_code_is_case_insensitive_and_unique_whatever_the_case():
    Promotion.objects.create(name="Été", code="ETE20", kind="percent", value=D("20"))
    assert check_code(" ete20 ", goods()) == "ETE20"
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.create(name="Autre", code="Ete20", kind="percent", value=D("5"))


def test_unknown_code():
    assert refusal("RIEN", goods()) == "Le code promo « RIEN » n'existe pas."


def test_dates_are_days_of_the_shops_time_zone():
    Promotion.objects.create(name="Juin", code="JUIN", kind="percent", value=D("10"),
                             starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2026, 6, 30))
    items = goods()
    # 03:30 UTC on June 1 is still May 31 in Montréal (UTC−4).
    with freeze_time("2026-06-01 03:30:00"):
        assert "valide à partir du" in refusal("JUIN", items)
    with freeze_time("2026-06-01 04:30:00"):
        assert check_code("JUIN", items) == "JUIN"
    # June 30 in Montréal until 03:59 UTC on July 1.
    with freeze_time("2026-07-01 03:59:00"):
        assert check_code("JUIN", items) == "JUIN"
    with freeze_time("2026-07-01 04:01:00"):
        assert "a expiré le" in refusal("JUIN", items)


def test_minimum_order_before_taxes_and_delivery():
    Promotion.objects.create(name="Cinquante", code="CINQ", kind="amount", value=D("5"),
                             minimum_amount=D("50.00"))
    assert "au moins 50,00" in refusal("CINQ", goods("49.99"))
    assert check_code("CINQ", goods("50.00")) == "CINQ"


def test_inactive_code_is_no_longer_available():
    Promotion.objects.create(name="Vieux", code="VIEUX", kind="percent", value=D("10"), is_active=False)
    assert refusal("VIEUX", goods()) == "Ce code promo n'est plus disponible."


def test_total_limit_reached_refuses_the_order_and_changes_nothing():
    Promotion.objects.create(name="Un seul", code="UNSEUL", kind="percent", value=D("10"), usage_limit=1)
    product = make_product(price_amount=D("20.00"), stock=10)
    place_test_order([(product, 1)], promo_code="UNSEUL", email="a@example.test")
    with pytest.raises(PromotionError, match="utilisé le nombre de fois permis"):
        place_test_order([(product, 2)], promo_code="UNSEUL", email="b@example.test")
    assert Order.objects.count() == 1 and PromotionUsage.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 9


def test_per_customer_limit_counts_by_email_guests_included():
    Promotion.objects.create(name="Bienvenue", code="BIENVENUE", kind="amount", value=D("5"),
                             per_customer_limit=1)
    product = make_product(price_amount=D("20.00"), stock=10)
    place_test_order([(product, 1)], promo_code="BIENVENUE", email="Marie@Example.test")
    with pytest.raises(PromotionError, match="Vous avez déjà utilisé ce code promo"):
        place_test_order([(product, 1)], promo_code="bienvenue", email="marie@example.test")
    other = place_test_order([(product, 1)], promo_code="BIENVENUE", email="jean@example.test")
    assert other.discount_amount == D("5.00")
    assert list(PromotionUsage.objects.order_by("pk").values_list("email", flat=True)) == [
        "marie@example.test", "jean@example.test"]


def test_a_product_promotion_needs_one_of_its_products():
    promotion = Promotion.objects.create(name="Café", code="CAFE", kind="percent", value=D("10"))
    promotion.products.add(make_product())
    assert refusal("CAFE", goods()) == "Ce code promo ne s'applique à aucun produit de votre panier."


def test_an_amount_is_at_most_what_the_goods_are_worth():
    Promotion.objects.create(name="Gros", code="GROS", kind="amount", value=D("50.00"))
    order = place_test_order([(make_product(price_amount=D("20.00")), 1)], promo_code="GROS")
    assert (order.discount_amount, order.subtotal_amount) == (D("20.00"), D("0.00"))
    # Goods free: the delivery follows the (taxable) goods.
    assert order.total_amount == D("12.00") + D("0.60") + D("1.20")
