from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from comptoir.catalog.models import Product
from comptoir.checkout.models import CartLine
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.invoicing.models import Invoice
from comptoir.orders.models import Order

from .helpers import add_to_cart, details_post, review_fields, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def methods():
    make_shop()
    return make_delivery_methods()


@pytest.fixture
def product():
    return make_product(price_amount=Decimal("100.00"), stock=5, name_fr="Panier gourmand",
                        name_en="Gift basket")


def checkout(client, methods, *, language="fr", **details):
    response = client.post(url("checkout", language), details_post(methods["shipped"], **details))
    assert response.status_code == 302, response.context and [
        f.errors for f in (response.context.get("contact_form"), response.context.get("billing_form"),
                           response.context.get("choice_form"), response.context.get("shipping_form")) if f
    ]
    assert response.url == url("checkout_review", language)
    return client.get(response.url)


def test_full_checkout_in_french(client, methods, product):
    add_to_cart(client, product, 1)
    review = checkout(client, methods)
    assert review.status_code == 200
    content = review.content.decode()
    assert "Panier gourmand" in content
    assert "TPS (5\u00a0%)" in content and "TVQ (9,975\u00a0%)" in content
    # 100.00 + home delivery 12.00 = 112.00 taxable: GST 5.60, QST 11.17, total 128.77.
    for amount in ("12,00", "5,60", "11,17", "128,77"):
        assert f"{amount}\u00a0$" in content

    response = client.post(url("checkout_review"), review_fields(review))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == url("order_confirmation", token=order.token)
    assert order.language == "fr" and order.payment_method == "cheque"
    assert Invoice.objects.filter(order=order).exists()
    page = client.get(response.url).content.decode()
    assert str(order.number) in page
    assert "Faites votre chèque" in page


def test_full_checkout_in_english(client, methods, product):
    add_to_cart(client, product, 2, language="en")
    review = checkout(client, methods, language="en")
    content = review.content.decode()
    assert "Gift basket" in content and "GST (5%)" in content and "QST (9.975%)" in content
    # 200.00 of goods: home delivery is free from 150.00; GST 10.00, QST 19.95.
    assert "$229.95" in content
    response = client.post(url("checkout_review", "en"), review_fields(review))
    order = Order.objects.get()
    assert response.url == url("order_confirmation", "en", token=order.token)
    assert order.language == "en" and order.customer.language == "en"
    assert order.total_amount == Decimal("229.95")
    page = client.get(response.url).content.decode()
    assert f"Your order number is <strong>{order.number}</strong>" in page


def test_review_step_is_required_before_any_order(client, methods, product):
    add_to_cart(client, product)
    checkout(client, methods)
    assert Order.objects.count() == 0  # the details step alone places nothing


def test_pickup_needs_no_shipping_address_and_uses_the_store_province(client, methods, product):
    add_to_cart(client, product)
    data = details_post(methods["pickup"], same_as_billing=False, **{
        "billing-city": "Ottawa", "billing-province": "ON", "billing-postal_code": "K1A 0B1",
    })
    response = client.post(url("checkout"), data)
    assert response.status_code == 302
    review = client.get(url("checkout_review"))
    assert "TPS (5\u00a0%)" in review.content.decode() and "TVH" not in review.content.decode()
    client.post(url("checkout_review"), review_fields(review))
    order = Order.objects.get()
    assert order.shipping_address is None and order.tax_province == "QC"
    assert order.total_amount == Decimal("114.98")


def test_shipping_to_another_province_uses_its_taxes(client, methods, product):
    add_to_cart(client, product)
    data = details_post(methods["shipped"], same_as_billing=False, **{
        "shipping-first_name": "Luc", "shipping-last_name": "Roy", "shipping-line1": "1, rue King",
        "shipping-city": "Toronto", "shipping-province": "ON", "shipping-postal_code": "M5V 2T6",
    })
    client.post(url("checkout"), data)
    review = client.get(url("checkout_review"))
    assert "TVH (13\u00a0%)" in review.content.decode()
    client.post(url("checkout_review"), review_fields(review))
    order = Order.objects.get()
    assert order.shipping_address.city == "Toronto" and order.billing_address.city == "Montréal"
    assert list(order.taxes.values_list("code", "amount")) == [("HST", Decimal("14.56"))]


def test_bad_details_get_translated_errors_and_store_nothing(client, methods, product):
    add_to_cart(client, product)
    data = details_post(methods["shipped"], **{
        "billing-postal_code": "M5V 2T6", "contact-phone": "12", "contact-email": "pas-un-courriel",
    })
    response = client.post(url("checkout"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce code postal n&#x27;appartient pas à la province choisie." in page
    assert "Entrez un numéro de téléphone valide" in page
    assert "Saisissez une adresse de courriel valide." in page
    assert "checkout_details" not in client.session
    assert client.get(url("checkout_review")).url == url("checkout")
    assert Order.objects.count() == 0


def test_shipping_address_is_required_unless_same_as_billing(client, methods, product):
    add_to_cart(client, product)
    response = client.post(url("checkout"), details_post(methods["shipped"], same_as_billing=False))
    assert response.status_code == 200
    assert response.context["shipping_form"].errors


def test_an_unused_shipping_address_shows_no_errors_when_other_details_are_refused(client, methods, product):
    add_to_cart(client, product)
    data = details_post(methods["shipped"], **{"shipping-city": "Laval"})
    del data["choice-delivery_method"]
    response = client.post(url("checkout"), data)
    assert response.status_code == 200
    assert response.context["choice_form"].errors["delivery_method"]
    shipping = response.context["shipping_form"]
    assert not shipping.is_bound and shipping["city"].value() == "Laval"
    page = response.content.decode()
    assert page.count("Ce champ est obligatoire.") == 1
    assert "checkout_details" not in client.session


def test_a_needed_shipping_address_is_checked_even_without_a_delivery_method(client, methods, product):
    add_to_cart(client, product)
    data = details_post(methods["shipped"], same_as_billing=False)
    del data["choice-delivery_method"]
    response = client.post(url("checkout"), data)
    assert response.status_code == 200
    assert response.context["choice_form"].errors["delivery_method"]
    assert set(response.context["shipping_form"].errors) >= {"first_name", "line1", "city", "postal_code"}
    assert "checkout_details" not in client.session


def test_forged_price_and_total_fields_are_ignored(client, methods, product):
    add_to_cart(client, product)
    forged = {"price": "0.01", "price_amount": "0.01", "unit_price_amount": "0.01", "total": "0.01",
              "total_amount": "0.01", "subtotal_amount": "0.01", "tax_total": "0", "status": "completed"}
    client.post(url("checkout"), {**details_post(methods["shipped"]), **forged})
    review = client.get(url("checkout_review"))
    client.post(url("checkout_review"), {**review_fields(review), **forged})
    order = Order.objects.get()
    assert order.total_amount == Decimal("128.77")
    assert order.lines.get().unit_price_amount == Decimal("100.00")
    assert order.status == Order.Status.NEW


def test_a_forged_expected_total_only_asks_to_review_again(client, methods, product):
    add_to_cart(client, product)
    review = checkout(client, methods)
    fields = {**review_fields(review), "expected_total": "0.01"}
    response = client.post(url("checkout_review"), fields, follow=True)
    assert Order.objects.count() == 0
    assert "Le total de votre commande a changé" in response.content.decode()


def test_double_submit_and_replay_give_one_order(client, methods, product):
    add_to_cart(client, product)
    review = checkout(client, methods)
    fields = review_fields(review)
    first = client.post(url("checkout_review"), fields)
    second = client.post(url("checkout_review"), fields)
    assert Order.objects.count() == 1
    assert first.url == second.url
    product.refresh_from_db()
    assert product.stock == 4


def test_a_token_from_another_session_is_refused(client, methods, product):
    add_to_cart(client, product)
    checkout(client, methods)
    response = client.post(url("checkout_review"), {"checkout_token": "forged", "expected_total": "128.77"},
                           follow=True)
    assert Order.objects.count() == 0
    assert "Ce formulaire de confirmation a expiré" in response.content.decode()


def test_stock_gone_between_review_and_confirmation(client, methods, product):
    add_to_cart(client, product, 3)
    review = checkout(client, methods)
    Product.objects.filter(pk=product.pk).update(stock=2)
    response = client.post(url("checkout_review"), review_fields(review), follow=True)
    assert Order.objects.count() == 0
    assert response.redirect_chain[-1][0] == url("cart")
    assert "Désolé, il ne reste que 2 « Panier gourmand » en stock." in response.content.decode()
    assert Product.objects.get(pk=product.pk).stock == 2


def test_order_details_only_mode_has_no_payment_choice(client, methods, product):
    make_shop(order_details_only=True)
    add_to_cart(client, product)
    details = client.get(url("checkout"))
    assert "choice-payment_method" not in details.content.decode()
    data = details_post(methods["shipped"])
    del data["choice-payment_method"]
    review = client.get(client.post(url("checkout"), data).url)
    assert "la boutique communiquera avec vous" in review.content.decode()
    client.post(url("checkout_review"), review_fields(review))
    order = Order.objects.get()
    assert order.payment_method == ""
    assert not Invoice.objects.filter(order=order).exists()


def test_only_enabled_payment_methods_are_offered(client, methods, product):
    make_shop(cash_on_delivery_enabled=True, paypal_enabled=False)
    add_to_cart(client, product)
    page = client.get(url("checkout")).content.decode()
    assert "Chèque, mandat-poste ou virement" in page
    assert "Argent comptant à la livraison" in page
    assert "Carte de crédit via PayPal" not in page
    response = client.post(url("checkout"), details_post(methods["shipped"], payment_method="paypal"))
    assert response.status_code == 200 and response.context["choice_form"].errors["payment_method"]


def test_paypal_goes_on_to_pay_the_invoice(client, methods, product):
    make_shop(paypal_enabled=True)
    add_to_cart(client, product)
    client.post(url("checkout"), details_post(methods["shipped"], payment_method="paypal"))
    review = client.get(url("checkout_review"))
    response = client.post(url("checkout_review"), review_fields(review))
    order = Order.objects.get()
    try:
        expected = reverse("pay:invoice", kwargs={"token": order.invoice.payment_token})
    except NoReverseMatch:  # the payment page is not installed: the confirmation page says so
        expected = url("order_confirmation", token=order.token)
    assert response.url == expected


def test_insurance_fee_is_shown_and_charged(client, methods, product):
    make_shop(insurance_fee_amount=Decimal("2.50"))
    add_to_cart(client, product)
    review = checkout(client, methods)
    assert "assurance" in review.content.decode() and "2,50\u00a0$" in review.content.decode()
    client.post(url("checkout_review"), review_fields(review))
    assert Order.objects.get().insurance_amount == Decimal("2.50")


def test_account_created_during_checkout(client, methods, product):
    add_to_cart(client, product)
    review = checkout(client, methods)
    fields = {**review_fields(review), "create_account": "on", "password1": "Sirop-Erable-2026",
              "password2": "Sirop-Erable-2026"}
    client.post(url("checkout_review"), fields)
    order = Order.objects.get()
    assert order.customer.user.username == "marie.tremblay@example.test"
    orders_page = client.get(url("account_orders"))  # logged in right away
    assert orders_page.status_code == 200 and str(order.number) in orders_page.content.decode()


def test_weak_account_password_is_refused_and_nothing_is_placed(client, methods, product):
    add_to_cart(client, product)
    review = checkout(client, methods)
    fields = {**review_fields(review), "create_account": "on", "password1": "123", "password2": "123"}
    response = client.post(url("checkout_review"), fields)
    assert response.status_code == 200 and response.context["form"].errors["password1"]
    assert Order.objects.count() == 0 and get_user_model().objects.count() == 0


def test_logged_in_customer_gets_their_details_prefilled(client, methods, product):
    user = get_user_model().objects.create_user("marie.tremblay@example.test", "marie.tremblay@example.test",
                                                "pw-solide-98765")
    client.force_login(user)
    add_to_cart(client, product)
    review = checkout(client, methods)
    assert "create_account" not in review.content.decode()
    client.post(url("checkout_review"), review_fields(review))
    add_to_cart(client, product)
    details = client.get(url("checkout"))
    assert details.context["billing_form"].initial["city"] == "Montréal"
    assert Order.objects.get().customer.user == user


def test_the_details_form_lets_browsers_fill_in_the_contact_and_addresses(client, methods, product):
    add_to_cart(client, product, 1)
    page = client.get(url("checkout")).content.decode()
    assert 'type="email" name="contact-email"' in page and 'autocomplete="email"' in page
    assert 'type="tel" name="contact-phone"' in page and 'autocomplete="tel"' in page
    assert 'autocomplete="billing postal-code"' in page and 'autocomplete="shipping address-line1"' in page


def test_empty_cart_cannot_check_out(client, methods):
    response = client.get(url("checkout"), follow=True)
    assert response.redirect_chain[-1][0] == url("cart")
    assert "Votre panier est vide." in response.content.decode()


def test_confirming_after_the_cart_was_emptied_elsewhere_places_nothing(client, methods, product):
    add_to_cart(client, product, 1)
    review = checkout(client, methods)
    CartLine.objects.all().delete()  # emptied in another tab, after the review page was shown

    response = client.post(url("checkout_review"), review_fields(review), follow=True)

    assert response.redirect_chain[-1][0] == url("cart")
    assert [str(message) for message in response.context["messages"]] == ["Votre panier est vide."]
    assert Order.objects.count() == 0 and Invoice.objects.count() == 0
    product.refresh_from_db()
    assert product.stock == 5


def test_checkout_pages_run_the_same_number_of_queries_for_3_or_30_lines(client, methods):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        counts = []
        for method, path, data in [
            ("get", url("checkout"), None),
            ("post", url("checkout"), details_post(methods["shipped"])),
            ("get", url("checkout_review"), None),
        ]:
            with CaptureQueriesContext(connection) as queries:
                getattr(client, method)(path, data)
            counts.append(len(queries))
        review = client.get(url("checkout_review"))
        with CaptureQueriesContext(connection) as queries:
            client.post(url("checkout_review"), review_fields(review))
        return counts + [len(queries)]

    add_to_cart(client, make_product(stock=5))
    measure()  # a first order creates the guest customer; the next ones update it
    for _ in range(3):
        add_to_cart(client, make_product(stock=5))
    small = measure()
    for _ in range(30):
        add_to_cart(client, make_product(stock=5))
    large = measure()
    assert small == large
    assert Order.objects.count() == 3 and Order.objects.order_by("number").last().lines.count() == 30


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_showing_the_review_writes_nothing(client, methods, product):
    """The confirmation token comes with the details; the review page only reads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_to_cart(client, product, 1)
    response = client.post(url("checkout"), details_post(methods["shipped"]))
    token = client.session["checkout_token"]
    with CaptureQueriesContext(connection) as queries:
        review = client.get(response.url)
    assert review.status_code == 200 and _writes(queries) == []
    assert review_fields(review)["checkout_token"] == token == client.session["checkout_token"]
    client.post(url("checkout_review"), review_fields(review))
    assert Order.objects.get().checkout_token == token


def test_after_the_order_the_session_has_no_cart_and_a_new_product_starts_a_new_one(client, methods, product):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_to_cart(client, product, 1)
    first_cart = client.session["cart_token"]
    response = client.post(url("checkout_review"), review_fields(checkout(client, methods)))
    assert "cart_token" not in client.session
    with CaptureQueriesContext(connection) as queries:
        page = client.get(response.url)
    assert page.status_code == 200 and page.context["cart_quantity"]() == 0
    assert not [q for q in queries.captured_queries if "checkout_cart" in q["sql"]]
    assert not CartLine.objects.filter(cart__token=first_cart).exists()

    add_to_cart(client, product, 2)
    assert client.session["cart_token"] != first_cart
    assert list(CartLine.objects.filter(cart__token=client.session["cart_token"])
                .values_list("product_id", "quantity")) == [(product.pk, 2)]


def test_a_first_product_refused_leaves_no_cart(client, methods):
    from comptoir.checkout.models import Cart

    sold_out = make_product(stock=0, slug="epuise", sku="EPUISE")
    response = add_to_cart(client, sold_out, 1)
    assert response.status_code == 302 and response.url == sold_out.get_absolute_url()
    assert Cart.objects.count() == 0 and CartLine.objects.count() == 0
    assert "cart_token" not in client.session
    page = client.get(response.url)
    assert [str(message) for message in page.context["messages"]] == [
        f"Désolé, « {sold_out.name_fr} » est épuisé."]
