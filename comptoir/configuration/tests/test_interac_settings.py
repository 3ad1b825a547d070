"""« Configuration › Paiements »: the « Virement Interac » settings and their checks."""

from django.forms.models import model_to_dict
from django.urls import reverse

from comptoir.merchant.models import ShopSettings

from .conftest import errors_of

PAYMENTS = {"insurance_fee_amount": "0", "interac_enabled": "on"}


def snapshot():
    return model_to_dict(ShopSettings.load(), exclude=["logo", "updated_at"])


def test_the_interac_fields_are_on_the_payments_tab(owner_client):
    html = owner_client.get(reverse("configuration:settings")).content.decode()
    for label in ("Autoriser les paiements par virement Interac", "Adresse courriel qui reçoit les virements",
                  "Le dépôt automatique est activé pour cette adresse", "Question de sécurité (français)",
                  "Réponse à la question de sécurité"):
        assert label in html


def test_interac_with_autodeposit_needs_the_email_only(owner_client):
    before = snapshot()
    response = owner_client.post(reverse("configuration:settings"), {**PAYMENTS, "interac_autodeposit": "on"})
    assert "Entrez l'adresse courriel" in errors_of(response)["interac_email"][0]
    assert snapshot() == before

    response = owner_client.post(reverse("configuration:settings"), {
        **PAYMENTS, "interac_autodeposit": "on", "interac_email": "paiements@delices.test"})
    assert response.status_code == 302
    shop = ShopSettings.load()
    assert shop.interac_enabled and shop.interac_autodeposit
    assert shop.interac_email == "paiements@delices.test"


def test_without_autodeposit_the_question_and_answer_are_needed(owner_client):
    before = snapshot()
    response = owner_client.post(reverse("configuration:settings"), {
        **PAYMENTS, "interac_email": "paiements@delices.test"})
    errors = errors_of(response)
    assert "question de sécurité" in errors["interac_question_fr"][0]
    assert "réponse" in errors["interac_answer"][0]
    assert snapshot() == before

    response = owner_client.post(reverse("configuration:settings"), {
        **PAYMENTS, "interac_email": "paiements@delices.test", "interac_question_fr": "Nom de la boutique ?",
        "interac_answer": "delices"})
    assert response.status_code == 302
    assert ShopSettings.load().interac_question("en") == "Nom de la boutique ?"  # French when no English


def test_interac_alone_is_a_payment_method(owner_client):
    response = owner_client.post(reverse("configuration:settings"), {
        **PAYMENTS, "interac_autodeposit": "on", "interac_email": "paiements@delices.test"})
    assert response.status_code == 302
    assert not ShopSettings.load().cheque_enabled
