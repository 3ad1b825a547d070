"""« Type de livraison »: list, create, edit, disable, reorder."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from comptoir.core.testing import make_delivery_methods
from comptoir.shipping.models import DeliveryMethod

from .conftest import errors_of

METHOD = {"kind": "local", "name_fr": "Livraison à vélo", "name_en": "Bike delivery",
          "expected_delay_fr": "Le jour même", "expected_delay_en": "Same day", "fee_amount": "4.00",
          "free_shipping_threshold_amount": "50.00", "is_active": "on"}


def test_list_shows_the_three_default_methods(owner_client):
    make_delivery_methods()
    html = owner_client.get(reverse("configuration:delivery_list")).content.decode()
    for name in ("Livraison à domicile", "Cueillette en magasin", "Livraison locale", "Type de livraison"):
        assert name in html


def test_create_a_delivery_method(owner_client):
    make_delivery_methods()
    response = owner_client.post(reverse("configuration:delivery_create"), METHOD)
    assert response.status_code == 302
    method = DeliveryMethod.objects.get(name_fr="Livraison à vélo")
    assert method.code == "livraison-a-velo" and method.kind == "local"
    assert method.fee_for(Decimal("49.99")) == Decimal("4.00") and method.fee_for(Decimal("50")) == 0
    assert method.position > DeliveryMethod.objects.exclude(pk=method.pk).order_by("-position")[0].position


@pytest.mark.parametrize("field, value, message", [
    ("fee_amount", "-0.01", "Les frais ne peuvent pas être négatifs."),
    ("free_shipping_threshold_amount", "-5", "Le seuil de livraison gratuite ne peut pas être négatif."),
    ("name_fr", "", "Ce champ est obligatoire."),
    ("kind", "teleport", "Sélectionnez un choix valide"),
])
def test_bad_delivery_method_is_refused(owner_client, field, value, message):
    methods = make_delivery_methods()
    before = model_to_dict(methods["shipped"])
    url = reverse("configuration:delivery_edit", args=[methods["shipped"].pk])
    response = owner_client.post(url, {**METHOD, field: value})
    assert response.status_code == 400
    assert errors_of(response)[field][0].startswith(message)
    methods["shipped"].refresh_from_db()
    assert model_to_dict(methods["shipped"]) == before


def test_disable_and_reorder(owner_client):
    methods = make_delivery_methods()
    owner_client.post(reverse("configuration:delivery_toggle", args=[methods["local"].pk]))
    methods["local"].refresh_from_db()
    assert not methods["local"].is_active
    owner_client.post(reverse("configuration:delivery_move_up", args=[methods["local"].pk]))
    assert list(DeliveryMethod.objects.order_by("position").values_list("kind", flat=True)) == [
        "shipped", "local", "pickup"]


def test_the_last_offered_method_cannot_be_disabled(owner_client):
    methods = make_delivery_methods()
    DeliveryMethod.objects.exclude(pk=methods["pickup"].pk).update(is_active=False)
    response = owner_client.post(reverse("configuration:delivery_toggle", args=[methods["pickup"].pk]),
                                 follow=True)
    assert "Au moins un type de livraison doit rester offert" in response.content.decode()
    edit = reverse("configuration:delivery_edit", args=[methods["pickup"].pk])
    response = owner_client.post(edit, {**METHOD, "kind": "pickup", "is_active": ""})
    assert response.status_code == 400
    methods["pickup"].refresh_from_db()
    assert methods["pickup"].is_active and methods["pickup"].name_fr == "Cueillette en magasin"


def test_list_runs_constant_queries(owner_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("configuration:delivery_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(url).status_code == 200
        return len(captured)

    make_delivery_methods()
    few = queries()
    for number in range(20):
        DeliveryMethod.objects.create(code=f"extra-{number}", kind="local", name_fr=f"Zone {number}")
    assert queries() == few > 0
