"""PayPal webhooks: signature check, storage once, settlement in any order, concurrency."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from comptoir.core.testing import run_together, split_outcomes
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.models import Payment
from comptoir.paypal import client as paypal
from comptoir.paypal.models import PayPalCheckout, WebhookEvent
from comptoir.paypal.services import start_checkout
from comptoir.paypal.simulator import make_event
from comptoir.paypal.testing import enable_paypal, make_invoiced_order, process_stored_webhooks

WEBHOOK_URL = "/paiements/paypal/webhook/"


def started_checkout(**order_kwargs):
    enable_paypal()
    order, invoice = make_invoiced_order(**order_kwargs)
    checkout = start_checkout(invoice, return_url="http://shop.test/r/", cancel_url="http://shop.test/c/",
                              language="fr")
    return order, invoice, checkout


def captured_at_paypal(simulator, checkout) -> dict:
    """The payer approved and PayPal captured, but Comptoir has not heard of it yet."""
    simulator.approve(checkout.paypal_order_id)
    answer = paypal.PayPalClient().capture_order(checkout.paypal_order_id, request_id="elsewhere")
    return answer["purchase_units"][0]["payments"]["captures"][0]


def post(client, simulator, event, headers=None, *, process=True):
    """Deliver the event as PayPal does; then, unless ``process`` is false, run the processing
    tasks of the stored events, as the worker would."""
    headers = simulator.sign_event(event) if headers is None else headers
    response = client.post(WEBHOOK_URL, data=json.dumps(event), content_type="application/json",
                           headers=headers)
    if process:
        process_stored_webhooks()
    return response


def payment_messages(order):
    return sorted(Notification.objects.filter(reference=f"order:{order.pk}", template__startswith="payment")
                  .values_list("template", flat=True))


@pytest.mark.django_db
def test_capture_completed_webhook_pays_the_invoice_once(client, paypal_simulator):
    order, invoice, checkout = started_checkout()
    capture = captured_at_paypal(paypal_simulator, checkout)
    event = make_event("PAYMENT.CAPTURE.COMPLETED", capture)

    # PayPal sends no CSRF token: the endpoint must not ask for one.
    assert post(Client(enforce_csrf_checks=True), paypal_simulator, event).status_code == 200
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and order.status == Order.Status.COMPLETED
    assert payment_messages(order) == ["payment_confirmation", "payment_received"]
    assert WebhookEvent.objects.get().processed_at is not None

    # The same event again, and a second event about the same capture: no-ops.
    assert post(client, paypal_simulator, event).status_code == 200
    assert post(client, paypal_simulator, make_event("PAYMENT.CAPTURE.COMPLETED", capture)).status_code == 200
    assert Payment.objects.count() == 1
    assert payment_messages(order) == ["payment_confirmation", "payment_received"]
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_RECORDED).count() == 1


@pytest.mark.django_db
def test_bad_signature_is_refused_and_changes_nothing(client, paypal_simulator):
    order, invoice, checkout = started_checkout()
    capture = captured_at_paypal(paypal_simulator, checkout)
    event = make_event("PAYMENT.CAPTURE.COMPLETED", capture)
    headers = paypal_simulator.sign_event(event)
    forged = {**event, "resource": {**capture, "amount": {"currency_code": "CAD", "value": "1.00"}}}
    events_before = order.events.count()

    assert post(client, paypal_simulator, forged, headers=headers).status_code == 400
    bad_signature = {**headers, "PAYPAL-TRANSMISSION-SIG": "Zm9yZ2Vk"}
    assert post(client, paypal_simulator, event, headers=bad_signature).status_code == 400
    assert post(client, paypal_simulator, event, headers={}).status_code == 400

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID
    assert not Payment.objects.exists() and not WebhookEvent.objects.exists()
    assert order.events.count() == events_before
    assert PayPalCheckout.objects.get().status == PayPalCheckout.Status.CREATED


@pytest.mark.django_db
def test_paypal_down_during_verification_asks_for_redelivery(client, paypal_simulator):
    _order, invoice, checkout = started_checkout()
    event = make_event("PAYMENT.CAPTURE.COMPLETED", captured_at_paypal(paypal_simulator, checkout))
    headers = paypal_simulator.sign_event(event)
    paypal_simulator.set_mode("fail")
    assert post(client, paypal_simulator, event, headers=headers).status_code == 503
    assert not WebhookEvent.objects.exists() and not Payment.objects.exists()
    paypal_simulator.set_mode("normal")
    assert post(client, paypal_simulator, event, headers=headers).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


@pytest.mark.django_db
def test_order_approved_webhook_captures_for_a_payer_who_never_came_back(client, paypal_simulator):
    order, invoice, checkout = started_checkout(payment_method="cheque")
    paypal_simulator.approve(checkout.paypal_order_id)
    resource = paypal.PayPalClient().get_order(checkout.paypal_order_id)
    assert post(client, paypal_simulator, make_event("CHECKOUT.ORDER.APPROVED", resource,
                                                     resource_type="checkout-order")).status_code == 200
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert order.status == Order.Status.NEW  # a payment link leaves the status to the merchant
    assert paypal_simulator.order(checkout.paypal_order_id)["status"] == "COMPLETED"


@pytest.mark.django_db
def test_denied_capture_leaves_the_invoice_unpaid_with_a_timeline_entry(client, paypal_simulator):
    order, invoice, checkout = started_checkout()
    capture = {**captured_at_paypal(paypal_simulator, checkout), "status": "DECLINED"}
    assert post(client, paypal_simulator, make_event("PAYMENT.CAPTURE.DENIED", capture)).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID and not Payment.objects.exists()
    assert order.events.get(kind=OrderEvent.Kind.PAYMENT_FAILED).data["code"] == "declined"
    assert PayPalCheckout.objects.get().status == PayPalCheckout.Status.DECLINED


def refund_event(simulator, capture, value):
    resource = {
        "id": "REF" + capture["id"][-8:], "status": "COMPLETED",
        "amount": {"currency_code": "CAD", "value": value},
        "invoice_id": capture["invoice_id"], "custom_id": capture["custom_id"],
        "links": [{"rel": "up", "method": "GET",
                   "href": f"{simulator.base_url}/v2/payments/captures/{capture['id']}"}],
    }
    return make_event("PAYMENT.CAPTURE.REFUNDED", resource, resource_type="refund")


@pytest.mark.django_db
def test_full_refund_issues_a_credit_note(client, paypal_simulator):
    order, invoice, checkout = started_checkout()
    capture = captured_at_paypal(paypal_simulator, checkout)
    post(client, paypal_simulator, make_event("PAYMENT.CAPTURE.COMPLETED", capture))
    refund = refund_event(paypal_simulator, capture, "114.98")
    assert post(client, paypal_simulator, refund).status_code == 200
    assert post(client, paypal_simulator, refund).status_code == 200  # duplicate: no-op

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert CreditNote.objects.get(invoice=invoice).total_amount == Decimal("-114.98")
    assert sorted(p.amount for p in invoice.payments.all()) == [Decimal("-114.98"), Decimal("114.98")]
    note = order.events.get(kind=OrderEvent.Kind.NOTE, data__refund=refund["resource"]["id"])
    assert note.data["full_refund"] is True


@pytest.mark.django_db
def test_partial_refund_is_recorded_without_a_credit_note(client, paypal_simulator):
    order, invoice, checkout = started_checkout()
    capture = captured_at_paypal(paypal_simulator, checkout)
    post(client, paypal_simulator, make_event("PAYMENT.CAPTURE.COMPLETED", capture))
    post(client, paypal_simulator, refund_event(paypal_simulator, capture, "14.98"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and not CreditNote.objects.exists()
    assert invoice.payments.filter(amount=Decimal("-14.98")).count() == 1
    assert order.events.get(kind=OrderEvent.Kind.NOTE, data__provider="paypal",
                            data__full_refund=False)


@pytest.mark.django_db
def test_refund_arriving_before_the_capture_event(client, paypal_simulator):
    order, invoice, checkout = started_checkout()
    capture = captured_at_paypal(paypal_simulator, checkout)
    post(client, paypal_simulator, refund_event(paypal_simulator, capture, "114.98"))
    post(client, paypal_simulator, make_event("PAYMENT.CAPTURE.COMPLETED", capture))

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert sorted(p.amount for p in invoice.payments.all()) == [Decimal("-114.98"), Decimal("114.98")]
    assert CreditNote.objects.filter(invoice=invoice).count() == 1
    assert payment_messages(order) == ["payment_confirmation", "payment_received"]


@pytest.mark.django_db
def test_unknown_event_types_are_stored_and_ignored(client, paypal_simulator):
    enable_paypal()
    event = make_event("CUSTOMER.DISPUTE.CREATED", {"id": "PP-D-1"})
    assert post(client, paypal_simulator, event).status_code == 200
    assert WebhookEvent.objects.get().result == "ignored CUSTOMER.DISPUTE.CREATED"


def _in_threads(count, target):
    return split_outcomes(run_together(count, lambda _index: target()))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_copies_of_a_webhook_at_once_give_one_payment(paypal_simulator):
    order, invoice, checkout = started_checkout()
    event = make_event("PAYMENT.CAPTURE.COMPLETED", captured_at_paypal(paypal_simulator, checkout))
    headers = paypal_simulator.sign_event(event)

    results, errors = _in_threads(10, lambda: post(Client(), paypal_simulator, event, headers).status_code)
    assert not errors and results == [200] * 10
    assert Payment.objects.count() == 1
    assert payment_messages(order) == ["payment_confirmation", "payment_received"]
    assert WebhookEvent.objects.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.events.filter(kind=OrderEvent.Kind.STATUS_CHANGED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_return_webhook_and_reconciliation_together_give_one_payment(paypal_simulator):
    from datetime import timedelta

    from comptoir.paypal.reconciliation import reconcile_pending_checkouts

    order, invoice, checkout = started_checkout()
    paypal_simulator.approve(checkout.paypal_order_id)
    approved = make_event("CHECKOUT.ORDER.APPROVED",
                          paypal.PayPalClient().get_order(checkout.paypal_order_id))
    headers = paypal_simulator.sign_event(approved)
    return_url = f"/fr/payer/{invoice.payment_token}/retour/?token={checkout.paypal_order_id}"
    actions = [
        lambda: Client().get(return_url).status_code,
        lambda: post(Client(), paypal_simulator, approved, headers).status_code,
        lambda: reconcile_pending_checkouts(older_than=timedelta(0)),
    ] * 3
    index = iter(range(len(actions)))
    results, errors = _in_threads(len(actions), lambda: actions[next(index)]())
    assert not errors, errors
    assert Payment.objects.count() == 1
    assert payment_messages(order) == ["payment_confirmation", "payment_received"]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


# --- Stored first, processed by a task -------------------------------------------------------------


@pytest.mark.django_db
def test_the_webhook_is_stored_and_answered_before_its_task_processes_it(client, paypal_simulator):
    from django_tasks_db.models import DBTaskResult

    order, invoice, checkout = started_checkout()
    event = make_event("PAYMENT.CAPTURE.COMPLETED", captured_at_paypal(paypal_simulator, checkout))
    assert post(client, paypal_simulator, event, process=False).status_code == 200

    stored = WebhookEvent.objects.get()
    assert stored.event_id == event["id"] and stored.processed_at is None
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID and not Payment.objects.exists()
    [queued] = DBTaskResult.objects.filter(task_path="comptoir.paypal.tasks.process_webhook_event_task")
    assert queued.status == "READY" and queued.args_kwargs["args"] == [stored.pk]

    # A second delivery of the same event id: 200, no second task, nothing else.
    assert post(client, paypal_simulator, event, process=False).status_code == 200
    assert WebhookEvent.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path=queued.task_path).count() == 1

    # The worker runs the task: the invoice is paid, once.
    from comptoir.paypal.tasks import process_webhook_event_task

    assert process_webhook_event_task.call(stored.pk) == "capture: completed"
    assert process_webhook_event_task.call(stored.pk) == "skipped"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and Payment.objects.count() == 1
    stored.refresh_from_db()
    assert stored.processed_at is not None and stored.attempts == 1


@pytest.mark.django_db
def test_a_processing_failure_is_retried_later(client, paypal_simulator):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from comptoir.paypal.webhooks import process_stored_event, sweep_unprocessed_events

    order, invoice, checkout = started_checkout()
    paypal_simulator.approve(checkout.paypal_order_id)
    approved = make_event("CHECKOUT.ORDER.APPROVED",
                          paypal.PayPalClient().get_order(checkout.paypal_order_id),
                          resource_type="checkout-order")
    assert post(client, paypal_simulator, approved, process=False).status_code == 200
    stored = WebhookEvent.objects.get()

    # Processing captures at PayPal, which is down: recorded, and the task enqueued again later.
    paypal_simulator.set_mode("fail")
    now = timezone.now()
    assert process_stored_event(stored.pk, now=now) == "retry"
    stored.refresh_from_db()
    assert stored.processed_at is None and stored.attempts == 1
    assert stored.next_attempt_at == now + timedelta(seconds=30)
    assert "PaymentUnavailable" in stored.last_error
    retries = DBTaskResult.objects.filter(task_path="comptoir.paypal.tasks.process_webhook_event_task",
                                          run_after__lt=now + timedelta(days=1))  # not "as soon as"
    assert [task.run_after for task in retries] == [stored.next_attempt_at]
    assert process_stored_event(stored.pk, now=now + timedelta(seconds=10)) == "skipped"  # not due
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID and not Payment.objects.exists()

    # The retry, once PayPal is back, pays the invoice once.
    paypal_simulator.set_mode("normal")
    assert process_stored_event(stored.pk, now=now + timedelta(seconds=31)) == "approved: completed"
    invoice.refresh_from_db()
    stored.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and Payment.objects.count() == 1
    assert stored.processed_at is not None and stored.last_error == "" and stored.attempts == 2
    assert sweep_unprocessed_events(now=now + timedelta(hours=1)) == 0  # nothing left to do


@pytest.mark.django_db
def test_the_sweep_enqueues_an_event_whose_task_was_lost(client, paypal_simulator):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from comptoir.paypal.webhooks import sweep_unprocessed_events

    _order, invoice, checkout = started_checkout()
    event = make_event("PAYMENT.CAPTURE.COMPLETED", captured_at_paypal(paypal_simulator, checkout))
    assert post(client, paypal_simulator, event, process=False).status_code == 200
    tasks = DBTaskResult.objects.filter(task_path="comptoir.paypal.tasks.process_webhook_event_task")
    tasks.delete()  # lost: the broker was down when it was enqueued

    now = timezone.now()
    assert sweep_unprocessed_events(now=now) == 0  # too recent: its task may still be on its way
    assert sweep_unprocessed_events(now=now + timedelta(minutes=2)) == 1
    assert sweep_unprocessed_events(now=now + timedelta(minutes=2)) == 0  # enqueued once
    [task] = tasks.all()
    assert task.args_kwargs["args"] == [WebhookEvent.objects.get().pk]
    assert sweep_unprocessed_events(now=now + timedelta(days=4)) == 0  # given up after 3 days


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_copies_of_a_webhook_on_two_web_nodes_give_one_payment(paypal_simulator, tmp_path):
    """Two web processes on the same PostgreSQL database receive 10 copies of one event at once
    (5 each); two task workers then run the queue at the same time."""
    import subprocess

    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from comptoir.core.tests.webprocess import MANAGE, PROJECT_DIR, WebProcess, environment
    from comptoir.paypal.simulator import CLIENT_ID, CLIENT_SECRET, WEBHOOK_ID

    order, invoice, checkout = started_checkout()
    event = make_event("PAYMENT.CAPTURE.COMPLETED", captured_at_paypal(paypal_simulator, checkout))
    headers = paypal_simulator.sign_event(event)
    database = connection.settings_dict
    env = environment(
        tmp_path, DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                               f"{database['NAME']}",
        TASKS_BACKEND="database", PAYPAL_API_BASE=paypal_simulator.base_url, PAYPAL_CLIENT_ID=CLIENT_ID,
        PAYPAL_CLIENT_SECRET=CLIENT_SECRET, PAYPAL_WEBHOOK_ID=WEBHOOK_ID,
    )
    nodes = [WebProcess(env, threads=True) for _ in range(2)]
    try:
        def deliver(index):
            return nodes[index % 2].client.post(WEBHOOK_URL, content=json.dumps(event),
                                                headers={**headers, "Content-Type": "application/json"})

        answers, errors = split_outcomes(run_together(10, deliver))
    finally:
        for node in nodes:
            node.stop()
    assert not errors and [answer.status_code for answer in answers] == [200] * 10
    assert WebhookEvent.objects.count() == 1 and not Payment.objects.exists()  # stored, not processed
    tasks = DBTaskResult.objects.filter(task_path="comptoir.paypal.tasks.process_webhook_event_task")
    assert tasks.count() == 1

    workers = [subprocess.Popen([*MANAGE, "run_worker", "--batch", "--no-startup-delay", "--no-reload",
                                 f"--worker-id=node-{index}"], env=env, cwd=PROJECT_DIR,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
               for index in range(2)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.stderr.read()
    assert Payment.objects.count() == 1
    assert payment_messages(order) == ["payment_confirmation", "payment_received"]
    assert WebhookEvent.objects.get().processed_at is not None
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert tasks.get().status == "SUCCESSFUL"
