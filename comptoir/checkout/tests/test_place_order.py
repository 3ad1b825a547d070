from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from comptoir.catalog.models import Product, StockMovement
from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.services import CheckoutError, place_order
from comptoir.checkout.testing import checkout_address, place_test_order
from comptoir.core.errors import OutOfStock
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.customers.models import Address, Customer
from comptoir.customers.services import AccountExists
from comptoir.invoicing.models import Invoice
from comptoir.orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop()


def snapshot_counts():
    return {
        "orders": Order.objects.count(),
        "addresses": Address.objects.count(),
        "customers": Customer.objects.count(),
        "movements": StockMovement.objects.count(),
        "invoices": Invoice.objects.count(),
        "events": OrderEvent.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_places_an_order_with_snapshot_stock_and_number(shop):
    soap = make_product(price_amount=Decimal("40.00"), stock=7, name_fr="Savon", sku="SAV-1")
    jam = make_product(price_amount=Decimal("30.00"), stock=3, name_fr="Confiture", sku="CON-1")

    order = place_test_order([(soap, 2), (jam, 1)])

    assert order.number == 1001
    assert order.status == Order.Status.NEW
    soap.refresh_from_db()
    jam.refresh_from_db()
    assert (soap.stock, jam.stock) == (5, 2)
    assert sorted(StockMovement.objects.values_list("product__sku", "change", "order_number")) == [
        ("CON-1", -1, 1001),
        ("SAV-1", -2, 1001),
    ]
    lines = list(
        order.lines.values_list("sku", "name_fr", "unit_price_amount", "quantity", "line_total_amount")
    )
    assert lines == [
        ("SAV-1", "Savon", Decimal("40.00"), 2, Decimal("80.00")),
        ("CON-1", "Confiture", Decimal("30.00"), 1, Decimal("30.00")),
    ]
    # 110.00 of goods: home delivery 12.00 (free from 150.00); Québec: GST 5 %, QST 9.975 %.
    assert order.subtotal_amount == Decimal("110.00")
    assert order.shipping_amount == Decimal("12.00")
    assert list(order.taxes.values_list("code", "amount")) == [
        ("GST", Decimal("6.10")),
        ("QST", Decimal("12.17")),
    ]
    assert order.total_amount == Decimal("140.27")
    assert order.tax_province == "QC"
    assert order.payment_instructions.startswith("Faites votre chèque")
    assert order.events.filter(kind=OrderEvent.Kind.PLACED).count() == 1


def test_later_catalogue_changes_do_not_touch_the_order(shop):
    product = make_product(price_amount=Decimal("10.00"), name_fr="Miel")
    order = place_test_order([(product, 1)])
    Product.objects.filter(pk=product.pk).update(price_amount=Decimal("99.00"), name_fr="Autre")
    line = order.lines.get()
    assert (line.name_fr, line.unit_price_amount) == ("Miel", Decimal("10.00"))


def test_numbers_follow_each_other(shop):
    product = make_product(stock=10)
    numbers = [place_test_order([(product, 1)]).number for _ in range(3)]
    assert numbers == [1001, 1002, 1003]


def test_empties_the_cart_and_keeps_the_addresses(shop):
    product = make_product()
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    order = place_order(
        cart,
        email="luc@example.test",
        phone="418 555-0100",
        billing_address=checkout_address(),
        shipping_address=checkout_address(
            first_name="Luc", line1="1, rue du Port", city="Toronto", province="ON", postal_code="M5V 2T6"
        ),
        delivery_method=make_delivery_methods()["shipped"],
        payment_method="cheque",
        language="en",
        checkout_token="tok-1",
    )
    assert not cart.lines.exists()
    assert order.shipping_address.city == "Toronto"
    assert order.tax_province == "ON"
    assert list(order.taxes.values_list("code", flat=True)) == ["HST"]
    customer = order.customer
    assert customer.is_guest and customer.language == "en" and customer.email == "luc@example.test"
    assert customer.billing_address_id not in (order.billing_address_id, order.shipping_address_id)


def test_one_guest_row_per_email(shop):
    product = make_product()
    first = place_test_order([(product, 1)], email="Anne@example.test")
    second = place_test_order([(product, 1)], email="anne@example.test")
    assert first.customer_id == second.customer_id
    assert Customer.objects.count() == 1


def test_invoice_issued_when_a_payment_method_is_chosen(shop):
    order = place_test_order([(make_product(), 1)], payment_method="cheque")
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == Invoice.Status.UNPAID
    assert invoice.total_amount == order.total_amount


def test_no_invoice_and_no_payment_method_in_order_details_only_mode(shop):
    make_shop(order_details_only=True)
    order = place_test_order([(make_product(), 1)], payment_method="")
    assert order.payment_method == ""
    assert not Invoice.objects.filter(order=order).exists()


def test_refuses_a_payment_method_the_shop_does_not_offer(shop):
    product = make_product(stock=4)
    before = snapshot_counts()
    with pytest.raises(CheckoutError):
        place_test_order([(product, 1)], payment_method="cod")
    assert snapshot_counts() == before
    product.refresh_from_db()
    assert product.stock == 4


def test_out_of_stock_refusal_names_the_product_and_changes_nothing(shop):
    plenty = make_product(stock=10, name_fr="Sirop")
    scarce = make_product(stock=1, name_fr="Beurre d'érable")
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=plenty, quantity=2)
    CartLine.objects.create(cart=cart, product=scarce, quantity=2)
    before = snapshot_counts()

    with pytest.raises(OutOfStock, match="Beurre d'érable"):
        place_order(
            cart,
            email="a@example.test",
            phone="514 555-0100",
            billing_address=checkout_address(),
            shipping_address=checkout_address(),
            delivery_method=make_delivery_methods()["shipped"],
            payment_method="cheque",
            language="fr",
            checkout_token="tok-refused",
        )

    assert snapshot_counts() == before
    plenty.refresh_from_db()
    scarce.refresh_from_db()
    assert (plenty.stock, scarce.stock) == (10, 1)
    assert cart.lines.count() == 2


def test_same_checkout_token_gives_one_order(shop):
    product = make_product(stock=5)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    arguments = {
        "email": "a@example.test",
        "phone": "514 555-0100",
        "billing_address": checkout_address(),
        "shipping_address": checkout_address(),
        "delivery_method": make_delivery_methods()["shipped"],
        "payment_method": "cheque",
        "language": "fr",
        "checkout_token": "same-token",
    }
    first = place_order(cart, **arguments)
    CartLine.objects.create(cart=cart, product=product, quantity=1)  # even with a refilled cart
    second = place_order(cart, **arguments)
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 3


def test_pickup_has_no_shipping_address_and_taxes_of_the_store(shop):
    order = place_test_order(
        [(make_product(price_amount=Decimal("100.00")), 1)],
        delivery_kind="pickup",
        billing_address=checkout_address(city="Ottawa", province="ON", postal_code="K1A 0B1"),
        shipping_address=checkout_address(city="Ottawa", province="ON", postal_code="K1A 0B1"),
    )
    assert order.shipping_address is None
    assert order.tax_province == "QC"
    assert list(order.taxes.values_list("code", "amount")) == [
        ("GST", Decimal("5.00")),
        ("QST", Decimal("9.98")),
    ]
    assert order.total_amount == Decimal("114.98")


def test_insurance_fee_is_charged_and_taxed(shop):
    make_shop(insurance_fee_amount=Decimal("3.00"))
    order = place_test_order([(make_product(price_amount=Decimal("97.00")), 1)], delivery_kind="pickup")
    assert order.insurance_amount == Decimal("3.00")
    assert order.tax_total == Decimal("14.98")
    assert order.total_amount == Decimal("114.98")


def test_creates_an_account_during_checkout(shop):
    order = place_test_order(
        [(make_product(), 1)],
        email="nouveau@example.test",
        create_account_password="un-mot-de-passe-solide-42",
    )
    user = get_user_model().objects.get(username="nouveau@example.test")
    assert user.check_password("un-mot-de-passe-solide-42")
    assert order.customer.user == user


def test_refuses_an_existing_account_email_and_changes_nothing(shop):
    get_user_model().objects.create_user("pris@example.test", "pris@example.test", "x-pass-123456")
    product = make_product(stock=3)
    before = snapshot_counts()
    with pytest.raises(AccountExists, match="Un compte existe déjà"):
        place_test_order(
            [(product, 1)], email="pris@example.test", create_account_password="un-mot-de-passe-solide-42"
        )
    assert snapshot_counts() == before


def test_account_holder_orders_are_linked_to_their_customer(shop):
    user = get_user_model().objects.create_user("client@example.test", "client@example.test", "pw-123456789")
    first = place_test_order([(make_product(), 1)], email="client@example.test", user=user)
    second = place_test_order([(make_product(), 1)], email="client@example.test", user=user)
    assert first.customer_id == second.customer_id == user.customer.pk
    assert not first.customer.is_guest


def test_refuses_in_catalogue_mode(shop):
    make_shop(catalogue_mode=True)
    product = make_product(stock=3)
    before = snapshot_counts()
    with pytest.raises(CheckoutError):
        place_test_order([(product, 1)])
    assert snapshot_counts() == before


def test_refuses_a_postal_code_of_another_province(shop):
    product = make_product(stock=3)
    before = snapshot_counts()
    with pytest.raises(CheckoutError, match="province"):
        place_test_order([(product, 1)], shipping_address=checkout_address(province="ON"))
    assert snapshot_counts() == before


def test_refuses_an_empty_cart(shop):
    with pytest.raises(CheckoutError):
        place_order(
            Cart.objects.create(),
            email="a@example.test",
            phone="",
            billing_address=checkout_address(),
            shipping_address=checkout_address(),
            delivery_method=make_delivery_methods()["shipped"],
            payment_method="cheque",
            language="fr",
            checkout_token="empty",
        )
    assert Order.objects.count() == 0


def test_queues_the_customer_confirmation_and_the_merchant_alert(shop):
    from comptoir.notifications.models import Notification

    order = place_test_order([(make_product(), 1)], email="client@example.test")
    recipients = sorted(
        Notification.objects.filter(reference=f"order:{order.pk}").values_list("template", "recipient")
    )
    assert recipients == [
        ("new_order", "marchand@delices.test"),
        ("order_confirmation", "client@example.test"),
    ]


def test_placing_an_order_empties_only_its_own_cart(shop):
    """Other visitors' carts keep their lines (the ordered lines are deleted by their ids)."""
    product = make_product(stock=50)
    other_carts = [Cart.objects.create() for _ in range(3)]
    for cart in other_carts:
        CartLine.objects.create(cart=cart, product=product, quantity=1)
    kept = sorted(CartLine.objects.values_list("pk", flat=True))
    place_test_order([(product, 2)])
    assert sorted(CartLine.objects.values_list("pk", flat=True)) == kept


def test_a_total_other_than_the_confirmed_one_is_refused_and_changes_nothing(shop):
    product = make_product(stock=5, price_amount=Decimal("10.00"))
    with pytest.raises(CheckoutError) as refused:
        place_test_order([(product, 1)], expected_total_amount=Decimal("1.00"))
    assert refused.value.code == "total_changed"
    product.refresh_from_db()
    assert product.stock == 5
    assert Order.objects.count() == 0 and Customer.objects.count() == 0 and Address.objects.count() == 0
