"""« Paiements », « Information de l'entreprise » and « Notifications »: each refusal shows a
translated error and saves nothing; a valid form saves only its own fields."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from PIL import Image

from comptoir.merchant.models import ShopSettings

from .conftest import errors_of, image_upload

PAYMENTS = {
    "insurance_fee_amount": "2.50", "cheque_enabled": "on",
    "cheque_instructions_fr": "Chèque à l'ordre des Délices.", "cheque_instructions_en": "Cheque to Délices.",
    "reminder_days": "3, 7", "alert_unpaid_summary": "email",
}
BUSINESS = {
    "legal_name": "Les Délices du Comptoir inc.", "trade_name": "Délices du Comptoir",
    "address_line1": "1234, rue Saint-Denis", "city": "Montréal", "province": "QC",
    "postal_code": "h2x3j8", "phone": "(514) 555-0142", "email": "bonjour@delices.test",
    "website": "https://delices.test", "gst_number": "123456789rt0001",
    "qst_number": "1234567890 TQ 0001", "neq": "1171234567", "is_tax_registered": "on",
    "invoice_footer_fr": "Payable à la réception.", "invoice_footer_en": "Due on receipt.",
}
ALERTS = {"alert_email": "alerte@delices.test", "alert_mobile": "514 555-0177", "alert_language": "fr",
          "alert_new_order": "both", "alert_payment_received": "sms", "alert_payment_recorded": "email"}


def snapshot():
    return model_to_dict(ShopSettings.load(), exclude=["logo", "updated_at"])


def test_payments_tab_shows_the_seed_labels_and_currency(owner_client):
    html = owner_client.get(reverse("configuration:settings")).content.decode()
    for label in ("Désactiver les paiements et ne collecter que les détails de la commande",
                  "Désactiver les commandes en ligne et utiliser la boutique en mode catalogue",
                  "Ajouter des frais d&#x27;assurance pour chaque commande", "Devise", "CAD",
                  "Autoriser les paiements avec PayPal",
                  "Autoriser les paiements par chèque, mandat-poste ou virement",
                  "Autoriser les paiements en argent comptant à la livraison", "Enregistrer"):
        assert label in html
    assert "card_number" not in html and "numéro de carte" in html  # only the reassurance text


def test_payments_are_saved(owner_client):
    response = owner_client.post(reverse("configuration:settings"),
                                 {**PAYMENTS, "cash_on_delivery_enabled": "on"})
    assert response.status_code == 302
    shop = ShopSettings.load()
    assert shop.insurance_fee_amount == Decimal("2.50")
    assert shop.cash_on_delivery_enabled and shop.cheque_enabled and not shop.catalogue_mode


def test_negative_insurance_fee_is_refused(owner_client):
    before = snapshot()
    response = owner_client.post(reverse("configuration:settings"),
                                 {**PAYMENTS, "insurance_fee_amount": "-1.00"})
    assert response.status_code == 400
    assert errors_of(response)["insurance_fee_amount"] == [
        "Les frais d'assurance ne peuvent pas être négatifs."]
    assert "Rien n'a été enregistré" in response.content.decode()
    assert snapshot() == before


def test_paypal_cannot_be_enabled_without_credentials(owner_client, settings):
    settings.PAYPAL_CLIENT_ID = settings.PAYPAL_CLIENT_SECRET = ""
    before = snapshot()
    response = owner_client.post(reverse("configuration:settings"), {**PAYMENTS, "paypal_enabled": "on"})
    assert response.status_code == 400
    assert "identifiants PayPal ne sont pas configurés" in errors_of(response)["paypal_enabled"][0]
    assert snapshot() == before


def test_paypal_status_is_shown(owner_client, settings):
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client", "secret"
    settings.PAYPAL_API_BASE = "http://127.0.0.1:9"
    html = owner_client.get(reverse("configuration:settings")).content.decode()
    assert "simulateur local" in html
    response = owner_client.post(reverse("configuration:settings"), {**PAYMENTS, "paypal_enabled": "on"})
    assert response.status_code == 302 and ShopSettings.load().paypal_enabled


def test_cheque_needs_instructions_and_some_payment_method_is_needed(owner_client):
    before = snapshot()
    response = owner_client.post(reverse("configuration:settings"),
                                 {**PAYMENTS, "cheque_instructions_fr": " "})
    assert "Entrez les instructions" in errors_of(response)["cheque_instructions_fr"][0]
    response = owner_client.post(reverse("configuration:settings"), {"insurance_fee_amount": "0"})
    assert "Autorisez au moins un mode de paiement" in errors_of(response)["__all__"][0]
    assert snapshot() == before
    response = owner_client.post(reverse("configuration:settings"),
                                 {"insurance_fee_amount": "0", "order_details_only": "on"})
    assert response.status_code == 302 and ShopSettings.load().order_details_only


def test_business_information_is_saved_normalized(owner_client):
    response = owner_client.post(reverse("configuration:business"), BUSINESS)
    assert response.status_code == 302
    shop = ShopSettings.load()
    assert (shop.postal_code, shop.phone, shop.gst_number) == ("H2X 3J8", "514 555-0142",
                                                               "123456789 RT 0001")
    assert shop.neq == "1171234567" and shop.invoice_footer_en == "Due on receipt."
    assert shop.insurance_fee_amount == Decimal("0.00")  # other tabs' fields untouched


@pytest.mark.parametrize("field, value, message", [
    ("gst_number", "12345 RT 1", "123456789 RT 0001"),
    ("qst_number", "1234567890 RT 0001", "1234567890 TQ 0001"),
    ("phone", "555-0142", "Entrez un numéro de téléphone valide"),
    ("phone", "(014) 555-0142", "Entrez un numéro de téléphone valide"),
    ("postal_code", "K1A 0B1", "n'appartient pas à la province"),
    ("postal_code", "12345", "code postal canadien valide"),
    ("neq", "12", "10"),
])
def test_business_information_refuses_malformed_values(owner_client, field, value, message):
    before = snapshot()
    response = owner_client.post(reverse("configuration:business"), {**BUSINESS, field: value})
    assert response.status_code == 400
    assert message in " ".join(errors_of(response)[field])
    assert snapshot() == before


def test_registered_business_must_give_its_tax_numbers(owner_client):
    before = snapshot()
    response = owner_client.post(reverse("configuration:business"),
                                 {**BUSINESS, "gst_number": "", "qst_number": ""})
    errors = errors_of(response)
    assert "numéro de TPS/TVH" in errors["gst_number"][0] and "numéro de TVQ" in errors["qst_number"][0]
    assert snapshot() == before
    small_supplier = {**BUSINESS, "gst_number": "", "qst_number": "", "is_tax_registered": ""}
    assert owner_client.post(reverse("configuration:business"), small_supplier).status_code == 302
    assert not ShopSettings.load().is_tax_registered


def test_logo_is_checked_and_resized(owner_client):
    response = owner_client.post(reverse("configuration:business"),
                                 {**BUSINESS, "logo": image_upload("logo.png", size=(2000, 1000))})
    assert response.status_code == 302
    logo = ShopSettings.load().logo
    with Image.open(logo.path) as image:
        assert image.format == "PNG" and max(image.size) == 600


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png"),
     "n'est pas une image"),
    (SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 10), content_type="image/png"),
     "trop volumineuse"),
    (image_upload("logo.gif", image_format="GIF", size=(10, 10)), "format d'image n'est pas accepté"),
])
def test_bad_logo_is_refused_and_nothing_saved(owner_client, upload, message):
    before = snapshot()
    response = owner_client.post(reverse("configuration:business"),
                                 {**BUSINESS, "legal_name": "Autre nom inc.", "logo": upload})
    assert response.status_code == 400
    assert message in errors_of(response)["logo"][0]
    assert snapshot() == before and not ShopSettings.load().logo


def test_notification_settings_store_the_mobile_in_e164(owner_client):
    response = owner_client.post(reverse("configuration:notification_settings"), ALERTS)
    assert response.status_code == 302
    shop = ShopSettings.load()
    assert shop.alert_mobile == "+15145550177"
    assert (shop.alert_new_order, shop.alert_payment_received, shop.alert_payment_recorded) == (
        "both", "sms", "email")


def test_notification_settings_show_the_four_choices(owner_client):
    html = owner_client.get(reverse("configuration:notification_settings")).content.decode()
    for label in ("Courriel", "SMS", "Les deux", "Aucun"):
        assert label in html


@pytest.mark.parametrize("changes, field, message", [
    ({"alert_mobile": "555-01"}, "alert_mobile", "Entrez un numéro de téléphone valide"),
    ({"alert_mobile": "+44 20 7946 0958"}, "alert_mobile", "Entrez un numéro de téléphone valide"),
    ({"alert_mobile": ""}, "alert_mobile", "Entrez le numéro de cellulaire"),
    ({"alert_email": ""}, "alert_email", "Entrez l'adresse courriel"),
])
def test_notification_settings_refuse_bad_input(owner_client, changes, field, message):
    before = snapshot()
    response = owner_client.post(reverse("configuration:notification_settings"), {**ALERTS, **changes})
    assert response.status_code == 400
    assert message in errors_of(response)[field][0]
    assert snapshot() == before


def test_no_alerts_need_no_contact(owner_client):
    response = owner_client.post(reverse("configuration:notification_settings"), {
        "alert_language": "en", "alert_new_order": "none", "alert_payment_received": "none",
        "alert_payment_recorded": "none"})
    assert response.status_code == 302
    assert ShopSettings.load().alert_language == "en"


def test_insurance_fee_accepts_the_french_decimal_comma(owner_client):
    response = owner_client.post(reverse("configuration:settings"),
                                 {**PAYMENTS, "insurance_fee_amount": "4,25"})
    assert response.status_code == 302
    assert ShopSettings.load().insurance_fee_amount == Decimal("4.25")
