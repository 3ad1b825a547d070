"""« Produits » and « Catégories »: forms, images, stock adjustments, list queries."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from comptoir.catalog.models import Category, Product, StockMovement
from comptoir.configuration.services import adjust_stock
from comptoir.core.errors import DomainError
from comptoir.core.testing import make_category, make_product

from .conftest import errors_of, image_upload


def product_data(category, **overrides):
    data = {"name_fr": "Confiture de bleuets", "name_en": "Blueberry jam", "sku": "CONF-BLEU",
            "category": category.pk, "description_fr": "Bleuets du Lac.", "description_en": "Lake berries.",
            "price_amount": "8.95", "stock": "12", "tax_status": "zero_rated", "is_visible": "on"}
    data.update(overrides)
    return data


def test_create_product_with_slug_image_and_opening_stock(staff_client, staff):
    category = make_category()
    response = staff_client.post(reverse("configuration:product_create"),
                                 product_data(category, image=image_upload("pot.jpg", image_format="JPEG")))
    assert response.status_code == 302
    product = Product.objects.get(sku="CONF-BLEU")
    assert product.slug == "confiture-de-bleuets" and product.price_amount == Decimal("8.95")
    assert not product.is_taxable and product.stock == 12
    movement = product.stock_movements.get()
    assert (movement.change, movement.reason, movement.actor) == (12, "reception", staff)
    with Image.open(product.image.path) as image:
        assert image.format == "JPEG" and image.size == (1200, 800)


@pytest.mark.parametrize("overrides, field, message", [
    ({"price_amount": "-1.00"}, "price_amount", "Le prix ne peut pas être négatif."),
    ({"sku": "DUP-1"}, "sku", "Un autre produit utilise déjà ce code (SKU)."),
    ({"image": SimpleUploadedFile("pot.jpg", b"not an image at all", content_type="image/jpeg")},
     "image", "Ce fichier n'est pas une image."),
    ({"image": SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1))},
     "image", "L'image est trop volumineuse"),
    ({"image": image_upload("anim.gif", image_format="GIF", size=(20, 20))},
     "image", "Ce format d'image n'est pas accepté."),
])
def test_bad_product_is_refused_and_nothing_saved(staff_client, overrides, field, message):
    category = make_category()
    make_product(category, sku="DUP-1")
    response = staff_client.post(reverse("configuration:product_create"), product_data(category, **overrides))
    assert response.status_code == 400
    assert errors_of(response)[field][0].startswith(message)
    assert Product.objects.count() == 1 and not StockMovement.objects.exists()


def test_editing_a_product_never_overwrites_the_stock(staff_client):
    product = make_product(stock=10)
    url = reverse("configuration:product_edit", args=[product.pk])
    form = staff_client.get(url).context["form"]
    assert "stock" not in form.fields
    Product.objects.filter(pk=product.pk).update(stock=7)  # a sale while the form was open
    data = product_data(product.category, sku=product.sku, price_amount="30.00", stock="99")
    assert staff_client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert (product.stock, product.price_amount, product.name_fr) == (7, Decimal("30.00"),
                                                                       "Confiture de bleuets")


def test_hide_and_show_a_product(staff_client):
    product = make_product()
    url = reverse("configuration:product_toggle", args=[product.pk])
    staff_client.post(url)
    product.refresh_from_db()
    assert not product.is_visible
    staff_client.post(url)
    product.refresh_from_db()
    assert product.is_visible
    assert staff_client.get(url).status_code == 405


def test_adjust_stock_with_a_reason(staff_client, staff):
    product = make_product(stock=3)
    url = reverse("configuration:product_adjust_stock", args=[product.pk])
    response = staff_client.post(url, {"change": "-2", "reason": "adjustment", "note": "Pot cassé"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.stock == 1
    movement = product.stock_movements.get()
    assert (movement.change, movement.reason, movement.note, movement.actor) == (
        -2, "adjustment", "Pot cassé", staff)
    page = staff_client.get(reverse("configuration:product_edit", args=[product.pk])).content.decode()
    assert "Pot cassé" in page and "Ajuster le stock" in page


@pytest.mark.parametrize("data, message", [
    ({"change": "-4", "reason": "adjustment"}, "ne peut pas descendre sous 0"),
    ({"change": "0", "reason": "adjustment"}, "Entrez une quantité différente de 0."),
    ({"change": "2", "reason": "sale"}, "Sélectionnez un choix valide"),
    ({"change": "abc", "reason": "reception"}, "Saisissez un nombre entier"),
    ({"change": "-1", "reason": "reception"}, "pour en retirer, choisissez un ajustement manuel"),
])
def test_refused_stock_adjustment_changes_nothing(staff_client, data, message):
    product = make_product(stock=3)
    response = staff_client.post(reverse("configuration:product_adjust_stock", args=[product.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    product.refresh_from_db()
    assert product.stock == 3 and not product.stock_movements.exists()


def test_adjust_stock_service_refuses_below_zero(db, staff):
    product = make_product(stock=1)
    with pytest.raises(DomainError):
        adjust_stock(product, change=-2, reason="adjustment", actor=staff)
    adjust_stock(product, change=-1, reason="adjustment", actor=staff)
    product.refresh_from_db()
    assert product.stock == 0


def test_product_list_search_and_filters(staff_client):
    jams, teas = make_category(name_fr="Confitures"), make_category(name_fr="Thés")
    make_product(jams, name_fr="Confiture de fraises", sku="FRAISE-1")
    make_product(jams, name_fr="Gelée de pommes", sku="POMME-9", stock=0)
    make_product(teas, name_fr="Thé vert", sku="THE-2", is_visible=False)
    url = reverse("configuration:product_list")

    def names(**params):
        return sorted(p.name_fr for p in staff_client.get(url, params).context["page"])

    assert names(q="fraise") == ["Confiture de fraises"]
    assert names(q="pomme-9") == ["Gelée de pommes"]
    assert names(category=teas.pk) == ["Thé vert"]
    assert names(visibility="hidden") == ["Thé vert"]
    assert names(stock="out") == ["Gelée de pommes"]
    assert len(names()) == 3


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_product_list_runs_constant_queries(staff_client):
    category = make_category()
    for _ in range(3):
        make_product(category)
    url = reverse("configuration:product_list")
    few = _queries(staff_client, url)
    for _ in range(60):
        make_product(make_category())
    assert _queries(staff_client, url) == few
    assert _queries(staff_client, url + "?page=3") == few


def test_category_list_runs_constant_queries(staff_client):
    parent = make_category()
    make_category(parent=parent)
    url = reverse("configuration:category_list")
    few = _queries(staff_client, url)
    for _ in range(30):
        make_product(make_category(parent=parent))
    assert _queries(staff_client, url) == few


def test_create_category_with_automatic_slug_and_image(staff_client):
    make_category(slug="cafes")
    response = staff_client.post(reverse("configuration:category_create"), {
        "name_fr": "Cafés", "name_en": "Coffees", "is_visible": "on",
        "image": image_upload("cafe.webp", image_format="WEBP", size=(1600, 400))})
    assert response.status_code == 302
    category = Category.objects.get(name_fr="Cafés")
    assert category.slug == "cafes-2"
    with Image.open(category.image.path) as image:
        assert image.format == "WEBP" and image.size == (1200, 300)


def test_category_cannot_be_its_own_ancestor(staff_client):
    parent = make_category()
    child = make_category(parent=parent)
    response = staff_client.post(reverse("configuration:category_edit", args=[parent.pk]), {
        "name_fr": parent.name_fr, "slug": parent.slug, "parent": child.pk, "is_visible": "on"})
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    parent.refresh_from_db()
    assert parent.parent is None


def test_hide_and_reorder_categories(staff_client):
    first, second, third = (make_category(position=p) for p in (0, 1, 2))
    staff_client.post(reverse("configuration:category_move_down", args=[first.pk]))
    assert list(Category.objects.order_by("position").values_list("pk", flat=True)) == [
        second.pk, first.pk, third.pk]
    staff_client.post(reverse("configuration:category_move_up", args=[third.pk]))
    assert list(Category.objects.order_by("position").values_list("pk", flat=True)) == [
        second.pk, third.pk, first.pk]
    staff_client.post(reverse("configuration:category_toggle", args=[third.pk]))
    third.refresh_from_db()
    assert not third.is_visible


def test_prices_accept_the_french_decimal_comma(staff_client):
    category = make_category()
    response = staff_client.post(reverse("configuration:product_create"),
                                 product_data(category, price_amount="1 208,95"))
    assert response.status_code == 302
    assert Product.objects.get().price_amount == Decimal("1208.95")
