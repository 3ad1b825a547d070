"""« Configuration › Paiements », block « Rappels de paiement »."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from comptoir.merchant.models import ShopSettings

from .conftest import errors_of
from .test_settings_forms import PAYMENTS

pytestmark = pytest.mark.django_db


def snapshot():
    return model_to_dict(ShopSettings.load(), exclude=["logo", "updated_at"])


def test_the_block_shows_its_french_labels_and_the_defaults(owner_client):
    html = owner_client.get(reverse("configuration:settings")).content.decode()
    for label in ("Rappels de paiement", "Envoyer des rappels de paiement pour les factures impayées",
                  "Annuler la commande impayée ce nombre de jours après la facture",
                  "Résumé quotidien des factures impayées"):
        assert label in html
    assert 'value="3,7"' in html


def test_reminders_are_saved(owner_client):
    response = owner_client.post(reverse("configuration:settings"), {
        **PAYMENTS, "reminders_enabled": "on", "reminder_days": " 2,5 , 10", "expiry_days": "21",
        "alert_unpaid_summary": "none",
    })
    assert response.status_code == 302
    shop = ShopSettings.load()
    assert (shop.reminders_enabled, shop.reminder_days, shop.expiry_days, shop.alert_unpaid_summary) == (
        True, "2, 5, 10", 21, "none")
    assert shop.reminder_day_list() == [2, 5, 10]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"reminder_days": "3, sept"}, "reminder_days", "nombres entiers de jours séparés par des virgules"),
    ({"reminder_days": "7, 3"}, "reminder_days", "ordre croissant"),
    ({"reminder_days": "0, 3"}, "reminder_days", "de 1 à 365 jours"),
    ({"reminder_days": "1,2,3,4,5,6"}, "reminder_days", "Au plus 5 rappels"),
    ({"reminder_days": "3, 7", "expiry_days": "7"}, "expiry_days", "plus de 7 jours"),
    ({"reminder_days": "3, 7", "expiry_days": "0"}, "expiry_days", "de 1 à 365"),
    ({"reminder_days": "", "expiry_days": ""}, "reminder_days", "Indiquez les jours des rappels"),
])
def test_bad_reminder_settings_are_refused_and_change_nothing(owner_client, changes, field, message):
    before = snapshot()
    response = owner_client.post(reverse("configuration:settings"), {
        **PAYMENTS, "reminders_enabled": "on", **changes})
    assert response.status_code == 400
    assert any(message in error for error in errors_of(response)[field]), errors_of(response)
    assert snapshot() == before
