import pytest
from django.contrib.auth import get_user_model

from comptoir.checkout.models import Cart, CartLine
from comptoir.core.testing import make_product, make_shop
from comptoir.customers.models import Customer

from .helpers import add_to_cart, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    make_shop()
    return make_product(name_fr="Sirop d'érable", stock=5)


def quantities():
    return list(CartLine.objects.values_list("product__name_fr", "quantity"))


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_add_change_and_remove(client, product):
    response = add_to_cart(client, product, 2)
    assert response.url == url("cart")
    assert quantities() == [("Sirop d'érable", 2)]
    page = client.get(url("cart"))
    assert "« Sirop d'érable » a été ajouté à votre panier." in messages_of(page)
    assert "50,00\u00a0$" in page.content.decode()

    client.post(url("cart_update", product_id=product.pk), {"quantity": "4", "update": ""})
    assert quantities() == [("Sirop d'érable", 4)]
    client.post(url("cart_update", product_id=product.pk), {"quantity": "0", "update": ""})
    assert quantities() == []
    add_to_cart(client, product, 1)
    client.post(url("cart_update", product_id=product.pk), {"quantity": "1", "remove": ""})
    assert quantities() == []


def test_never_more_than_the_stock(client, product):
    add_to_cart(client, product, 3)
    response = add_to_cart(client, product, 3)
    assert response.url == product.get_absolute_url()
    assert quantities() == [("Sirop d'érable", 3)]
    page = client.get(response.url)
    assert "Désolé, il ne reste que 5 « Sirop d'érable » en stock." in messages_of(page)

    response = client.post(url("cart_update", product_id=product.pk), {"quantity": "6"}, follow=True)
    assert quantities() == [("Sirop d'érable", 3)]
    assert "Désolé, il ne reste que 5 « Sirop d'érable » en stock." in messages_of(response)


def test_bad_quantity_is_refused_with_a_message(client, product):
    response = client.post(url("cart_add", slug=product.slug), {"quantity": "abc"}, follow=True)
    assert quantities() == []
    assert messages_of(response) == ["Saisissez un nombre entier."]
    response = client.post(url("cart_add", slug=product.slug), {"quantity": "-2"}, follow=True)
    assert quantities() == []


def test_messages_in_english(client, product):
    add_to_cart(client, product, 9, language="en")
    response = client.get(url("product", "en", slug=product.slug))
    assert "Sorry, only 5 of “Product" in messages_of(response)[0]


def test_hidden_product_cannot_be_added(client, product):
    product.is_visible = False
    product.save()
    assert add_to_cart(client, product).status_code == 404
    assert quantities() == []


def test_each_visitor_has_their_own_cart(client, product, django_user_model):
    add_to_cart(client, product, 2)
    other = type(client)()
    add_to_cart(other, product, 1)
    assert sorted(q for _n, q in quantities()) == [1, 2]
    assert Cart.objects.count() == 2


def test_visitor_cart_is_merged_into_the_customer_cart_at_login(client, product):
    user = get_user_model().objects.create_user("julie@example.test", "julie@example.test", "pw-solide-98765")
    customer = Customer.objects.create(user=user, email=user.email)
    saved = Cart.objects.create(customer=customer)
    CartLine.objects.create(cart=saved, product=product, quantity=2)
    other = make_product(name_fr="Miel", stock=10)
    add_to_cart(client, product, 4)
    add_to_cart(client, other, 1)

    response = client.post(url("login"), {"username": "Julie@Example.test", "password": "pw-solide-98765"})
    assert response.status_code == 302

    assert Cart.objects.count() == 1
    assert sorted(CartLine.objects.filter(cart=saved).values_list("product__name_fr", "quantity")) == [
        ("Miel", 1), ("Sirop d'érable", 5),  # 2 + 4, capped at the stock of 5
    ]
    assert client.get(url("cart")).context["items"][0].product.pk in {product.pk, other.pk}


@pytest.mark.parametrize("token", ["not-a-uuid", "", "00000000-0000-0000-0000-000000000000"])
def test_a_cart_token_in_the_session_that_names_no_cart_gives_an_empty_cart(client, product, token):
    from django.utils.html import escape

    add_to_cart(client, product, 2)
    assert escape(product.name_fr) in client.get(url("cart")).content.decode()
    session = client.session
    session["cart_token"] = token
    session.save()
    page = client.get(url("cart"))
    assert page.status_code == 200
    assert escape(product.name_fr) not in page.content.decode()
    assert CartLine.objects.filter(quantity=2).count() == 1  # the first cart is untouched


def test_a_delivery_method_in_the_session_that_is_not_a_number_leads_back_to_the_details(client, product):
    add_to_cart(client, product, 1)
    session = client.session
    session["checkout_details"] = {"delivery_method": "1", "contact": {"email": "a@example.test"}}
    session.save()
    response = client.get(url("checkout_review"))
    assert response.status_code == 302 and response["Location"] == url("checkout")


def test_an_order_page_with_a_malformed_token_is_not_found(client):
    from comptoir.storefront.selectors import order_for_customer

    assert order_for_customer("not-a-uuid") is None
    assert client.get("/fr/commande/not-a-uuid/merci/").status_code == 404
