"""Who reaches which screen: anonymous → login, customer → 403, staff → catalogue only,
owner → everything. Refused POSTs change nothing."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.configuration.permissions import is_shop_owner
from comptoir.core.testing import make_category, make_product
from comptoir.merchant.models import ShopSettings
from comptoir.shipping.models import DeliveryMethod

OWNER_PAGES = ["configuration:settings", "configuration:business", "configuration:delivery_list",
               "configuration:delivery_create", "configuration:notification_settings",
               "configuration:notification_log", "configuration:staff_list",
               "configuration:staff_create"]
STAFF_PAGES = ["configuration:product_list", "configuration:product_create",
               "configuration:category_list", "configuration:category_create"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", OWNER_PAGES + STAFF_PAGES)
def test_anonymous_goes_to_the_back_office_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))


def refusal_page(response) -> str:
    """The back-office's own 403 page (the project's ``handler403``), as text."""
    assert response.status_code == 403
    assert response.templates[0].name == "dashboard/403.html"
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("name", OWNER_PAGES + STAFF_PAGES)
def test_customer_is_refused_with_a_clear_message(client, customer, shop, name):
    client.force_login(customer)
    page = refusal_page(client.get(reverse(name)))
    assert "<h1>Accès refusé</h1>" in page
    assert (
        "Le compte « client » est un compte client\u00a0: il n'a pas accès à l'interface de gestion."
    ) in page
    assert ">Se déconnecter</button>" in page and "Retour aux commandes" not in page


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_staff_who_is_not_owner_cannot_open_the_configuration(staff_client, name):
    page = refusal_page(staff_client.get(reverse(name)))
    assert "<h1>Accès refusé</h1>" in page
    assert (
        "Seul le propriétaire de la boutique peut modifier la configuration et les comptes du personnel."
    ) in page
    assert '<a href="/fr/gestion/commandes/">Retour aux commandes</a>' in page


def test_the_refusal_speaks_english_too(staff_client):
    with translation.override("en"):
        url = reverse("configuration:staff_list")
    page = refusal_page(staff_client.get(url))
    assert '<html lang="en">' in page and "<h1>Access refused</h1>" in page
    assert "Only the shop owner can change the settings and the staff accounts." in page


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_uses_products_and_categories(staff_client, name):
    assert staff_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", OWNER_PAGES + STAFF_PAGES)
def test_owner_opens_every_screen(owner_client, name):
    assert owner_client.get(reverse(name)).status_code == 200


def test_superuser_is_owner(db, django_user_model, owner, staff, customer):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.test", "x-secret-42")
    assert is_shop_owner(admin) and is_shop_owner(owner)
    assert not is_shop_owner(staff) and not is_shop_owner(customer)
    owner.is_active = False
    assert not is_shop_owner(owner)


def test_staff_post_to_the_settings_changes_nothing(staff_client, shop):
    before = ShopSettings.load().insurance_fee_amount
    response = staff_client.post(reverse("configuration:settings"), {
        "insurance_fee_amount": "99.00", "cheque_enabled": "on", "cheque_instructions_fr": "x",
    })
    assert "Seul le propriétaire de la boutique" in refusal_page(response)
    assert ShopSettings.load().insurance_fee_amount == before


def test_staff_cannot_create_a_staff_account(staff_client, django_user_model):
    before = list(django_user_model.objects.order_by("pk").values_list("username", "is_staff"))
    response = staff_client.post(reverse("configuration:staff_create"), {
        "username": "intrus", "email": "intrus@example.test", "role": "owner",
        "password1": "Erable-Sucre-2026!", "password2": "Erable-Sucre-2026!",
    })
    assert "Seul le propriétaire de la boutique" in refusal_page(response)
    assert list(django_user_model.objects.order_by("pk").values_list("username", "is_staff")) == before


def test_customer_post_to_a_product_changes_nothing(client, customer, shop):
    product = make_product(price_amount=Decimal("10.00"), stock=4)
    client.force_login(customer)
    response = client.post(reverse("configuration:product_adjust_stock", args=[product.pk]),
                           {"change": "-4", "reason": "adjustment"})
    assert "est un compte client" in refusal_page(response)
    product.refresh_from_db()
    assert product.stock == 4 and not product.stock_movements.exists()


def test_post_without_csrf_token_is_refused(owner, shop, client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    make_category()
    response = csrf_client.post(reverse("configuration:delivery_create"), {"kind": "pickup"})
    assert response.status_code == 403
    assert not DeliveryMethod.objects.exists()


def test_screens_speak_english_too(owner_client):
    from django.utils import translation

    with translation.override("en"):
        url = reverse("configuration:settings")
    assert url.startswith("/en/")
    html = owner_client.get(url).content.decode()
    assert "Allow payments with PayPal" in html and "Save" in html and "Delivery methods" in html
