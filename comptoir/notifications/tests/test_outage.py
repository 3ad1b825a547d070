"""Orders keep being placed while the mail or SMS server is down; once it is back, every message
goes out, and once only here (a refused connection delivers nothing, so no attempt is repeated).
Real servers: aiosmtpd and the local SMS provider, stopped and restarted on the same port."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_product, make_shop
from comptoir.notifications.models import Notification
from comptoir.notifications.services import deliver_pending
from comptoir.orders.models import Order

pytestmark = pytest.mark.django_db

CUSTOMERS = ["alice@example.test", "bruno@example.test", "chloe@example.test"]


def place_three_orders():
    product = make_product(stock=10)
    return [place_test_order([(product, 1)], email=email) for email in CUSTOMERS]


def test_emails_wait_for_the_smtp_server_and_then_go_exactly_once(smtp_server):
    make_shop(alert_new_order="email", alert_email="alertes@delices.test")
    smtp_server.stop()

    orders = place_three_orders()

    assert Order.objects.count() == 3
    assert deliver_pending() == 0
    pending = Notification.objects.filter(status=Notification.Status.PENDING, channel="email")
    assert pending.count() == 6
    assert all(n.attempts == 1 and "Connection" in n.last_error for n in pending)

    smtp_server.start()  # back, on the same port
    later = timezone.now() + timedelta(hours=1)
    assert deliver_pending(now=later) == 6
    assert deliver_pending(now=later + timedelta(days=1)) == 0

    received = Counter(str(message["To"]) for message in smtp_server.messages)
    assert received == Counter({**{email: 1 for email in CUSTOMERS}, "alertes@delices.test": 3})
    # (the received header's no-break spaces come back as plain spaces)
    subjects = [str(message["Subject"]).strip() for message in smtp_server.to("alertes@delices.test")]
    assert sorted(subjects) == sorted(
        f"Nouvelle commande nº {order.number} – {order_total(order)}" for order in orders
    )
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()


def test_sms_alerts_wait_for_the_provider_and_then_go_exactly_once(fake_sms, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_shop(alert_new_order="sms", alert_mobile="514 555-0142")
    fake_sms.stop()

    orders = place_three_orders()

    assert Order.objects.count() == 3
    assert deliver_pending() == 3  # the customers' emails
    sms = Notification.objects.filter(channel="sms")
    assert sms.count() == 3
    assert all(n.status == Notification.Status.PENDING and n.attempts == 1 for n in sms)

    fake_sms.start()
    later = timezone.now() + timedelta(hours=1)
    assert deliver_pending(now=later) == 3
    assert deliver_pending(now=later + timedelta(days=1)) == 0

    bodies = sorted(message["body"] for message in fake_sms.to("+15145550142"))
    assert len(bodies) == 3
    for order in orders:
        assert sum(f"commande no {order.number} " in body for body in bodies) == 1


def order_total(order):
    from comptoir.core.money import format_amount

    return format_amount(order.total_amount, "fr").replace("\u00a0", " ")
