"""Shipments: partial parcels, never more than ordered, corrections, cancellations, messages."""

from decimal import Decimal

import pytest

from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order, make_product
from comptoir.fulfilment.carriers import tracking_number_error, tracking_url
from comptoir.fulfilment.models import Shipment
from comptoir.fulfilment.services import (
    Parcel,
    cancel_shipment,
    correct_shipment,
    mark_picked_up,
    mark_ready_for_pickup,
    ship_order,
)
from comptoir.notifications.models import Notification
from comptoir.notifications.services import deliver_pending
from comptoir.orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db
POSTE = Parcel(carrier="canada_post", tracking_number="1234 5678 9012 3456")


@pytest.fixture
def order(shop):
    coffee = make_product(sku="CAF-001", name_fr="Café", name_en="Coffee", price_amount=Decimal("7.50"))
    tea = make_product(sku="THE-002", name_fr="Thé vert", name_en="Green tea", price_amount=Decimal("5.00"))
    return make_order([(coffee, 3), (tea, 2)])


def quantities(order, coffee, tea):
    lines = list(order.lines.order_by("position"))
    return {lines[0].pk: coffee, lines[1].pk: tea}


@pytest.mark.parametrize(
    "carrier,number",
    [
        ("canada_post", "1234567890123456"),
        ("canada_post", "AB123456789CA"),
        ("purolator", "123456789012"),
        ("ups", "1Z999AA10123456784"),
        ("fedex", "123456789012"),
        ("other", ""),
    ],
)
def test_valid_tracking_numbers(carrier, number):
    assert tracking_number_error(carrier, number) == ""


@pytest.mark.parametrize(
    "carrier,number",
    [
        ("canada_post", "123456789012345"),
        ("canada_post", "AB12345678CA"),
        ("purolator", "12345678901"),
        ("ups", "2Z999AA10123456784"),
        ("ups", "1Z999AA1012345678"),
        ("fedex", "12;34"),
    ],
)
def test_bad_tracking_numbers(carrier, number):
    assert tracking_number_error(carrier, number)


def test_tracking_links_follow_the_language():
    from django.utils import translation

    with translation.override("en"):
        assert tracking_url("canada_post", "AB123456789CA") == (
            "https://www.canadapost-postescanada.ca/track-reperage/en#/details/AB123456789CA"
        )
    assert tracking_url("ups", "1Z999AA10123456784") == (
        "https://www.ups.com/track?loc=fr_CA&tracknum=1Z999AA10123456784"
    )
    assert tracking_url("other", "X123") == ""


def test_partial_then_complete_shipment(order, merchant):
    shipment = ship_order(order, parcel=POSTE, quantities=quantities(order, 2, 0), actor=merchant)
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.PARTIAL
    assert shipment.tracking_number == "1234567890123456"
    assert [(line.quantity) for line in shipment.lines.all()] == [2]
    second = ship_order(order, parcel=POSTE, actor=merchant)  # the rest
    assert sorted(line.quantity for line in second.lines.all()) == [1, 2]
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.SHIPPED
    assert order.events.filter(kind=OrderEvent.Kind.SHIPMENT_CREATED).count() == 2


def test_shipping_more_than_ordered_is_refused_and_changes_nothing(order, merchant):
    ship_order(order, parcel=POSTE, quantities=quantities(order, 2, 0), actor=merchant)
    events = order.events.count()
    with pytest.raises(DomainError, match="2 à expédier, mais il n'en reste que 1 à expédier sur 3"):
        ship_order(order, parcel=POSTE, quantities=quantities(order, 2, 0), actor=merchant)
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.PARTIAL
    assert Shipment.objects.count() == 1
    assert order.events.count() == events
    assert Notification.objects.filter(template="order_shipped").count() == 1


def test_bad_tracking_number_is_refused_and_changes_nothing(order, merchant):
    with pytest.raises(DomainError, match="Postes Canada"):
        ship_order(order, parcel=Parcel(carrier="canada_post", tracking_number="12345"), actor=merchant)
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.UNFULFILLED
    assert not Shipment.objects.exists()
    assert not Notification.objects.exists()


def test_cancelled_order_cannot_be_shipped(order, merchant):
    Order.objects.filter(pk=order.pk).update(status="cancelled")
    with pytest.raises(DomainError, match="annulée"):
        ship_order(order, parcel=POSTE, actor=merchant)
    assert not Shipment.objects.exists()


def test_correct_and_cancel_a_shipment(order, merchant, smtp_server):
    shipment = ship_order(order, parcel=POSTE, actor=merchant)
    correct_shipment(
        shipment, parcel=Parcel(carrier="purolator", tracking_number="123456789012"), actor=merchant
    )
    shipment.refresh_from_db()
    assert (shipment.carrier, shipment.tracking_number) == ("purolator", "123456789012")
    corrected = order.events.get(kind=OrderEvent.Kind.SHIPMENT_CORRECTED)
    assert corrected.actor == merchant
    assert corrected.data["old_tracking_number"] == "1234567890123456"
    # The customer receives the corrected number.
    deliver_pending()
    assert [str(m["Subject"]).strip() for m in smtp_server.messages].count(
        f"Votre commande a été expédiée – commande nº {order.number} – Délices du Comptoir"
    ) == 2
    assert "123456789012" in smtp_server.messages[-1].get_body(("plain",)).get_content()
    cancel_shipment(shipment, actor=merchant)
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.UNFULFILLED
    assert order.events.filter(kind=OrderEvent.Kind.SHIPMENT_CANCELLED, actor=merchant).exists()
    with pytest.raises(DomainError):
        cancel_shipment(shipment, actor=merchant)


def test_shipped_message_in_the_customers_language(shop, merchant, smtp_server):
    coffee = make_product(sku="CAF-001", name_fr="Café", name_en="Coffee")
    order = make_order([(coffee, 2)], language="en", email="john@example.test")
    ship_order(
        order,
        parcel=Parcel(carrier="ups", tracking_number="1z999aa10123456784"),
        note="Fragile",
        actor=merchant,
    )
    assert deliver_pending() == 1
    [message] = smtp_server.to("john@example.test")
    assert (
        str(message["Subject"]).strip().startswith(f"Your order has been shipped – order no. {order.number}")
    )
    text = message.get_body(("plain",)).get_content()
    assert "https://www.ups.com/track?loc=en_CA&tracknum=1Z999AA10123456784" in text
    assert "2 × Coffee (CAF-001)" in text
    assert "Fragile" in text


def test_do_not_notify(order, merchant):
    ship_order(order, parcel=POSTE, notify_customer=False, actor=merchant)
    assert not Notification.objects.exists()
    assert order.events.get(kind=OrderEvent.Kind.SHIPMENT_CREATED).data["notified"] is False


def test_pickup_ready_by_email_and_sms_then_handed_over(shop, merchant, smtp_server, fake_sms):
    order = make_order(delivery_kind="pickup")
    Order.objects.filter(pk=order.pk).update(sms_consent=True, phone="514 555-0199")
    mark_ready_for_pickup(order, actor=merchant)
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.READY_FOR_PICKUP
    assert deliver_pending() == 2
    [email] = smtp_server.to(order.email)
    assert (
        str(email["Subject"])
        .strip()
        .startswith(f"Votre commande est prête pour la cueillette – commande nº {order.number}")
    )
    assert "pièce d'identité" in email.get_body(("plain",)).get_content()
    [sms] = fake_sms.to("+15145550199")
    assert f"commande no {order.number} est prête" in sms["body"]
    mark_picked_up(order, actor=merchant)
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.PICKED_UP
    assert order.events.filter(kind=OrderEvent.Kind.PICKED_UP, actor=merchant).exists()


def test_pickup_without_sms_consent_sends_email_only(shop, merchant):
    order = make_order(delivery_kind="pickup")
    mark_ready_for_pickup(order, actor=merchant)
    assert list(Notification.objects.values_list("channel", flat=True)) == ["email"]
    with pytest.raises(DomainError):
        mark_ready_for_pickup(order, actor=merchant)
    assert Notification.objects.count() == 1


def test_a_pickup_order_is_not_shipped(shop, merchant):
    order = make_order(delivery_kind="pickup")
    with pytest.raises(DomainError, match="cueillette"):
        ship_order(order, parcel=POSTE, actor=merchant)
    assert not Shipment.objects.exists()
