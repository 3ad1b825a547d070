"""Under the production settings (HTTPS=true, DEBUG off), every page carries the
Content-Security-Policy and HSTS, and every private page ``Cache-Control: no-store``; the public
catalogue stays cacheable. Plain HTTP is redirected to HTTPS, except the health probes."""

import runpy
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

import comptoir.settings
from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_category, make_product, make_shop, make_staff_user, sign_in_verified
from comptoir.invoicing.services import issue_invoice

from .test_deploy_settings import SETTINGS_VARIABLES

pytestmark = pytest.mark.django_db

HOST = "boutique.example.test"
PASSWORD = "motdepasse-solide-42"
# The settings that the production environment decides and these pages depend on.
SECURITY_SETTINGS = (
    "DEBUG", "ALLOWED_HOSTS", "MIDDLEWARE", "CONTENT_SECURITY_POLICY", "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
)


@pytest.fixture
def production(settings, monkeypatch, tmp_path):
    """comptoir/settings.py evaluated with the production environment, applied to this test."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST, "HTTPS": "true",
        "SITE_URL": f"https://{HOST}", "TRUSTED_PROXY_COUNT": "1", "COMPTOIR_VAR_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(comptoir.settings.__file__)
    for name in SECURITY_SETTINGS:
        if name in values:
            setattr(settings, name, values[name])
    assert settings.SECURE_SSL_REDIRECT and settings.SECURE_HSTS_SECONDS == 31536000
    settings.SITE_URL = f"https://{HOST}"
    return settings


def https_client() -> Client:
    """A browser behind the TLS proxy (nginx sets X-Forwarded-Proto)."""
    return Client(HTTP_HOST=HOST, headers={"X-Forwarded-Proto": "https"})


@pytest.fixture(autouse=True)
def french():
    """The URLs below are reversed in French, whatever page a test visited before."""
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture
def shop_data(db, settings):
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client", "secret"
    settings.PAYPAL_API_BASE, settings.PAYPAL_MODE = "", "live"
    make_shop(paypal_enabled=True)
    category = make_category(name_fr="Cafés", slug="cafes")
    product = make_product(category=category, stock=10)
    order = place_test_order([(product, 1)], delivery_kind="pickup")
    invoice = getattr(order, "invoice", None) or issue_invoice(order)
    staff = make_staff_user(username="marchand", password=PASSWORD, is_superuser=True)  # the owner
    return {"category": category, "product": product, "order": order, "invoice": invoice, "staff": staff}


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.get("Location"))
    return response


def assert_security_headers(response, *, private: bool):
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "base-uri 'self'",
                      "object-src 'none'", "img-src 'self' data:"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if private:
        assert "no-store" in response["Cache-Control"]
    else:
        assert "no-store" not in response.get("Cache-Control", "")


def test_public_catalogue_pages(production, shop_data):
    client = https_client()
    for path in ("/fr/", f"/fr/categorie/{shop_data['category'].slug}/",
                 f"/fr/produit/{shop_data['product'].slug}/", "/fr/recherche/?q=caf", "/en/"):
        assert_security_headers(get(client, path), private=False)


def test_cart_checkout_account_and_order_pages(production, shop_data):
    client = https_client()
    product, order = shop_data["product"], shop_data["order"]
    added = client.post(reverse("storefront:cart_add", kwargs={"slug": product.slug}), {"quantity": 1})
    assert added.status_code == 302
    for path in (reverse("storefront:cart"), reverse("storefront:checkout"),
                 reverse("storefront:login"), reverse("storefront:signup"),
                 reverse("storefront:order_detail", kwargs={"token": order.token}),
                 reverse("storefront:order_confirmation", kwargs={"token": order.token})):
        assert_security_headers(get(client, path), private=True)

    pdf = get(client, reverse("storefront:order_invoice_pdf", kwargs={"token": order.token}))
    assert pdf["Content-Type"] == "application/pdf"
    assert_security_headers(pdf, private=True)

    client.force_login(get_user_model().objects.create_user(username="marie", password=PASSWORD))
    assert_security_headers(get(client, reverse("storefront:account_orders")), private=True)


def test_payment_link_and_paypal_return_pages(production, shop_data):
    client = https_client()
    invoice = shop_data["invoice"]
    page = get(client, reverse("pay:invoice", kwargs={"token": invoice.payment_token}))
    assert_security_headers(page, private=True)
    # The posted « Payer avec PayPal » form may go on to PayPal's checkout, and nowhere else.
    assert "form-action 'self' https://www.paypal.com" in page["Content-Security-Policy"]

    back = client.get(reverse("pay:return", kwargs={"token": invoice.payment_token}) + "?token=UNKNOWN")
    assert back.status_code == 302
    assert_security_headers(back, private=True)


def test_back_office_pages(production, shop_data):
    client = https_client()
    login = get(client, reverse("dashboard:login"))
    assert_security_headers(login, private=True)
    sign_in_verified(client, shop_data["staff"])
    order, invoice = shop_data["order"], shop_data["invoice"]
    for path in (reverse("dashboard:order_list"),
                 reverse("dashboard:order_detail", kwargs={"number": order.number}),
                 reverse("dashboard:order_invoice", kwargs={"number": order.number}),
                 reverse("dashboard:invoice_list"), reverse("dashboard:customer_list"),
                 reverse("configuration:settings"), reverse("configuration:product_list")):
        assert_security_headers(get(client, path), private=True)
    pdf = get(client, reverse("dashboard:invoice_pdf", kwargs={"number": invoice.number}))
    assert pdf["Content-Type"] == "application/pdf"
    assert_security_headers(pdf, private=True)


def test_cookies_are_secure_over_https(production, shop_data):
    client = https_client()
    client.get(reverse("dashboard:login"))
    response = client.post(reverse("dashboard:login"), {"username": "marchand", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True
    assert client.cookies["csrftoken"]["secure"] is True


def test_plain_http_is_redirected_to_https_except_the_health_probes(production, shop_data):
    client = Client(HTTP_HOST=HOST, headers={"X-Forwarded-Proto": "http"})
    response = client.get("/fr/panier/")
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/fr/panier/"
    for probe in ("/healthz", "/readyz"):
        assert client.get(probe).status_code != 301
