"""Wording of the configuration pages: Django's file widget keeps its own French words
(« Actuellement », « Effacer », « Modifier ») next to the stock column « Variation », and the
message log names an order by its number (with a link), never by its internal reference."""

import itertools
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.core.testing import make_order, make_product
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.models import Notification

from .conftest import image_upload

_keys = itertools.count()


def notification_about(order, **overrides):
    values = {"channel": "email", "template": "payment_recorded", "recipient": "marchand@example.test",
              "language": "fr", "subject": "Paiement enregistré", "body_text": "Un paiement.",
              "reference": f"order:{order.pk}", "dedupe_key": f"wording:{next(_keys)}"}
    values.update(overrides)
    return Notification.objects.create(**values)


def test_the_product_image_widget_says_modifier_and_the_stock_column_variation(staff_client, staff):
    product = make_product(stock=4)
    product.image.save("pot.png", image_upload(size=(300, 300)), save=True)
    staff_client.post(reverse("configuration:product_adjust_stock", args=[product.pk]),
                      {"change": "3", "reason": "reception"})
    page = staff_client.get(reverse("configuration:product_edit", args=[product.pk])).content.decode()
    widget = re.search(r'<div class="file-input">(.*?)</div>', page, re.S).group(1)
    assert "Actuellement" in widget and "Effacer" in widget and "Modifier" in widget
    assert "Variation" not in widget
    assert '<th scope="col" class="number">Variation</th>' in page
    english = staff_client.get(f"/en/gestion/produits/{product.pk}/").content.decode()
    widget = re.search(r'<div class="file-input">(.*?)</div>', english, re.S).group(1)
    assert "Currently" in widget and "Clear" in widget and "Change" in widget


def test_the_logo_widget_says_modifier(owner_client):
    shop = ShopSettings.load()
    shop.logo.save("logo.png", image_upload(size=(300, 100)), save=True)
    page = owner_client.get(reverse("configuration:business")).content.decode()
    widget = re.search(r'<div class="file-input">(.*?)</div>', page, re.S).group(1)
    assert "Effacer" in widget and "Modifier" in widget and "Variation" not in widget


def test_message_detail_names_the_order_by_its_number(owner_client):
    order, other = make_order(), make_order()
    assert order.pk != order.number  # the internal key is not the order number
    notification = notification_about(order)
    url = reverse("configuration:notification_detail", args=[notification.pk])
    page = owner_client.get(url).content.decode()
    link = reverse("dashboard:order_detail", args=[order.number])
    assert f'<a href="{link}">Commande {order.number}</a>' in page
    assert f"order:{order.pk}" not in page
    assert reverse("dashboard:order_detail", args=[other.number]) not in page
    unrelated = notification_about(order, reference="")
    page = owner_client.get(reverse("configuration:notification_detail", args=[unrelated.pk]))
    assert link not in page.content.decode()


def test_message_log_links_each_order_in_constant_queries(owner_client):
    url = reverse("configuration:notification_log")
    notification_about(make_order())
    with CaptureQueriesContext(connection) as few:
        owner_client.get(url)
    orders = [make_order() for _ in range(4)]
    for order in orders:
        notification_about(order)
    notification_about(orders[0], reference="order:999999")  # an order that no longer exists
    with CaptureQueriesContext(connection) as many:
        page = owner_client.get(url).content.decode()
    assert len(many) == len(few)
    for order in orders:
        link = reverse("dashboard:order_detail", args=[order.number])
        assert f'<a href="{link}">Commande {order.number}</a>' in page
    assert "order:" not in page
