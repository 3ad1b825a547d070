"""Reminders and expiry of unpaid invoices (issue: « Rappels et expiration »)."""

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from comptoir.catalog.models import Product, StockMovement
from comptoir.core.errors import DomainError
from comptoir.core.testing import make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import issue_invoice
from comptoir.notifications.models import Notification
from comptoir.notifications.services import deliver_pending
from comptoir.notifications.testing import fake_sms  # noqa: F401
from comptoir.operations.periodic import JOBS, run_due_jobs
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.models import PaymentReminder
from comptoir.payments.reminders import (
    run_reminders,
    send_reminder_now,
    send_unpaid_summary,
    set_order_reminders,
)
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db

CUSTOMER = "marie.tremblay@example.test"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://boutique.test"


def reminders_on(**overrides):
    values = {"reminders_enabled": True, "reminder_days": "3,7", "expiry_days": 14}
    values.update(overrides)
    return make_shop(**values)


def unpaid_invoice(language="fr", payment_method="cheque"):
    product = make_product(price_amount=Decimal("40.00"), stock=10)
    order = make_order([(product, 2)], language=language, email=CUSTOMER, payment_method=payment_method,
                       delivery_kind="pickup")
    return issue_invoice(order), product


def messages_of(order, template):
    return list(Notification.objects.filter(reference=f"order:{order.pk}", template=template))


def days_later(invoice, days, hours=0):
    return invoice.issued_at + datetime.timedelta(days=days, hours=hours)


def run_twice_a_day(invoice, last_day):
    for day in range(last_day + 1):
        for hour in (1, 13):
            run_reminders(now=days_later(invoice, day, hour))


def test_two_reminders_then_one_cancellation_releasing_the_stock_once_with_one_credit_note():
    reminders_on()
    invoice, product = unpaid_invoice()
    order = invoice.order

    run_twice_a_day(invoice, 16)

    reminders = messages_of(order, "payment_reminder")
    assert len(reminders) == 2
    assert [row.number for row in PaymentReminder.objects.filter(kind="reminder")] == [1, 2]
    assert [row.days for row in PaymentReminder.objects.filter(kind="reminder")] == [3, 7]
    assert len(messages_of(order, "order_cancelled")) == 1
    order.refresh_from_db()
    invoice.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and invoice.status == Invoice.Status.CANCELLED
    assert CreditNote.objects.filter(invoice=invoice).count() == 1
    assert Product.objects.get(pk=product.pk).stock == 12  # 10 + the 2 of the order, once
    assert StockMovement.objects.filter(order_number=order.number, reason="release").count() == 1
    timeline = list(order.events.filter(kind=OrderEvent.Kind.PAYMENT_REMINDER).values_list("data", flat=True))
    assert [entry.get("number") for entry in timeline] == [1, 2, None]
    assert timeline[-1]["expired"] is True and timeline[-1]["days"] == 14


def test_the_reminder_reaches_the_customer_in_their_language_with_balance_and_instructions(smtp_server):
    reminders_on()
    invoice, _product = unpaid_invoice(language="en")
    record_payment(invoice, method="cheque", amount=Decimal("20.00"))

    assert run_reminders(now=days_later(invoice, 3)) == {"reminders": 1, "cancelled": 0}
    assert deliver_pending() == 1

    [message] = smtp_server.to(CUSTOMER)
    assert message["Subject"].strip() == (
        f"Reminder: invoice {invoice.reference} awaiting payment – Délices du Comptoir")
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    balance = invoice.total_amount - Decimal("20.00")
    for body in (text, html):
        assert f"${balance:,.2f}" in body
        assert "Make your cheque payable to Les Délices du Comptoir inc." in body
        assert "Without payment, your order will be cancelled on" in body
    assert "pay this invoice online" not in html  # PayPal is off: no link


def test_the_reminder_carries_the_payment_link_when_online_payment_is_on(settings):
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client-id", "client-secret"
    reminders_on(paypal_enabled=True, expiry_days=None)
    invoice, _product = unpaid_invoice()
    run_reminders(now=days_later(invoice, 3))
    [notification] = Notification.objects.filter(template="payment_reminder")
    url = notification.context["payment_url"]
    assert url.startswith("https://boutique.test/fr/") and str(invoice.payment_token) in url
    assert notification.context["cancel_on"] == ""


def test_paying_on_day_5_stops_everything_after_it():
    reminders_on()
    invoice, product = unpaid_invoice()
    run_twice_a_day(invoice, 4)
    record_payment(invoice, method="cheque", amount=None)

    for day in range(5, 20):
        run_reminders(now=days_later(invoice, day, 2))

    order = Order.objects.get(pk=invoice.order_id)
    assert len(messages_of(order, "payment_reminder")) == 1
    assert messages_of(order, "order_cancelled") == []
    assert order.status != Order.Status.CANCELLED
    assert not CreditNote.objects.exists()
    assert Product.objects.get(pk=product.pk).stock == 10


def test_after_a_long_outage_only_the_latest_reminder_due_is_sent_once():
    reminders_on(expiry_days=None)
    invoice, _product = unpaid_invoice()
    run_reminders(now=days_later(invoice, 9))  # day 3 and day 7 were missed
    run_reminders(now=days_later(invoice, 9, 1))
    run_reminders(now=days_later(invoice, 30))
    assert [(row.number, row.days) for row in PaymentReminder.objects.all()] == [(2, 7)]
    assert len(messages_of(invoice.order, "payment_reminder")) == 1


def test_an_invoice_long_past_its_last_reminder_is_left_alone():
    reminders_on(expiry_days=None)
    invoice, _product = unpaid_invoice()
    assert run_reminders(now=days_later(invoice, 7 + 31)) == {"reminders": 0, "cancelled": 0}
    assert run_reminders(now=days_later(invoice, 7 + 29)) == {"reminders": 1, "cancelled": 0}
    reminders_on(expiry_days=14)
    assert run_reminders(now=days_later(invoice, 14 + 31)) == {"reminders": 0, "cancelled": 0}
    assert Order.objects.get(pk=invoice.order_id).status != Order.Status.CANCELLED


def test_the_periodic_job_twice_in_a_day_changes_nothing():
    reminders_on()
    invoice, _product = unpaid_invoice()
    job = JOBS["payment_reminders"]
    for day in (3, 7, 14):
        for hour in (2, 2, 15):
            run_due_jobs(days_later(invoice, day, hour), jobs=[job])
    assert Notification.objects.filter(template="payment_reminder").count() == 2
    assert Notification.objects.filter(template="order_cancelled").count() == 1
    assert CreditNote.objects.count() == 1


def test_reminders_off_in_the_settings_or_for_one_order_send_nothing():
    reminders_on(reminders_enabled=False)
    invoice, _product = unpaid_invoice()
    assert run_reminders(now=days_later(invoice, 20)) == {"reminders": 0, "cancelled": 0}

    reminders_on()
    staff = make_staff_user()
    assert set_order_reminders(invoice.order, enabled=False, actor=staff) is True
    assert run_reminders(now=days_later(invoice, 20)) == {"reminders": 0, "cancelled": 0}
    assert not Notification.objects.filter(template__in=["payment_reminder", "order_cancelled"]).exists()
    assert Order.objects.get(pk=invoice.order_id).status != Order.Status.CANCELLED

    set_order_reminders(invoice.order, enabled=True, actor=staff)
    assert run_reminders(now=days_later(invoice, 8)) == {"reminders": 1, "cancelled": 0}
    kinds = list(invoice.order.events.filter(kind=OrderEvent.Kind.REMINDERS_CHANGED)
                 .values_list("data", flat=True))
    assert kinds == [{"enabled": False}, {"enabled": True}]


def test_cash_on_delivery_orders_get_no_reminder():
    reminders_on()
    invoice, _product = unpaid_invoice(payment_method="cod")
    assert run_reminders(now=days_later(invoice, 20)) == {"reminders": 0, "cancelled": 0}


def test_send_a_reminder_now_and_not_for_a_paid_invoice():
    reminders_on(reminders_enabled=False)
    invoice, _product = unpaid_invoice()
    staff = make_staff_user()
    send_reminder_now(invoice, actor=staff)
    send_reminder_now(invoice, actor=staff)
    assert Notification.objects.filter(template="payment_reminder").count() == 2
    record_payment(invoice, method="cheque", amount=None)
    with pytest.raises(DomainError):
        send_reminder_now(invoice, actor=staff)
    assert Notification.objects.filter(template="payment_reminder").count() == 2
    assert PaymentReminder.objects.filter(kind="manual").count() == 2


# 15:00 UTC is 10:00 in Montréal: the summary's day is the shop's local day, so the clock is set
# where three hours later is still the same day and a day later is the next one.
@freeze_time("2026-11-02 15:00:00", tick=True)
def test_the_merchant_daily_summary_lists_awaiting_and_expired_once_a_day():
    reminders_on()
    expired, _product = unpaid_invoice()
    run_reminders(now=days_later(expired, 14))
    waiting, _product = unpaid_invoice()
    now = days_later(expired, 14, 2)

    [message] = send_unpaid_summary(now=now)
    assert send_unpaid_summary(now=now + datetime.timedelta(hours=1)) == [message]  # once a day
    [next_day] = send_unpaid_summary(now=now + datetime.timedelta(days=1))
    assert next_day.pk != message.pk
    assert next_day.context["expired"] == []  # the cancellation is in yesterday's summary only
    assert message.recipient == "marchand@delices.test"
    assert message.context["awaiting_count"] == 1
    assert [row["invoice"] for row in message.context["awaiting"]] == [waiting.reference]
    assert [row["invoice"] for row in message.context["expired"]] == [expired.reference]


def test_the_daily_summary_by_sms_follows_the_channel(fake_sms):  # noqa: F811
    reminders_on(alert_unpaid_summary="sms", alert_mobile="+15145550142")
    unpaid_invoice()
    [message] = send_unpaid_summary()
    assert message.channel == Notification.Channel.SMS
    assert deliver_pending() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_reminder_and_cancel_once():
    from comptoir.core.testing import run_together, split_outcomes

    reminders_on()
    invoice, product = unpaid_invoice()

    def at_day(day):
        return split_outcomes(run_together(3, lambda index: run_reminders(now=days_later(invoice, day))))

    results, errors = at_day(3)
    assert errors == []
    assert sum(result["reminders"] for result in results) == 1
    results, errors = at_day(15)
    assert errors == []
    assert sum(result["cancelled"] for result in results) == 1
    assert Notification.objects.filter(template="payment_reminder").count() == 1
    assert Notification.objects.filter(template="order_cancelled").count() == 1
    assert CreditNote.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 12


def test_an_hourly_run_with_nothing_new_to_send_reads_a_constant_number_of_queries(
        django_assert_num_queries):
    shop = reminders_on()
    invoices = [unpaid_invoice()[0] for _index in range(2)]
    later = days_later(invoices[-1], 4)
    run_reminders(now=later)
    with django_assert_num_queries(2):  # the unpaid invoices, their reminders
        assert run_reminders(now=later, shop=shop) == {"reminders": 0, "cancelled": 0}
    invoices += [unpaid_invoice()[0] for _index in range(4)]
    run_reminders(now=days_later(invoices[-1], 4))
    with django_assert_num_queries(2):
        outcome = run_reminders(now=days_later(invoices[-1], 4, 1), shop=shop)
    assert outcome == {"reminders": 0, "cancelled": 0}
