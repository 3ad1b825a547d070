"""``manage.py housekeeping``: deletes expired sessions, abandoned carts, old finished task rows and
superseded PDF copies, and nothing else."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import ProtectedError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.catalog.models import Product, StockMovement
from comptoir.checkout.models import Cart, CartLine
from comptoir.configuration.services import adjust_stock
from comptoir.core.testing import make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.messages import queue_invoice_email
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.notifications.models import Notification
from comptoir.operations.housekeeping import run_housekeeping
from comptoir.orders.models import Order, OrderEvent
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db

OLD = timezone.now() - timedelta(days=45)


def make_session(*, expired: bool) -> str:
    store = SessionStore()
    store["cart"] = "x"
    store.create()
    if expired:
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - timedelta(minutes=1))
    return store.session_key


def make_cart(product, *, updated_at=None) -> Cart:
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    if updated_at:
        Cart.objects.filter(pk=cart.pk).update(updated_at=updated_at)
    return cart


def make_task_result(status: str, *, finished_at) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status, finished_at=finished_at, args_kwargs={"args": [], "kwargs": {}},
        task_path="comptoir.notifications.tasks.deliver_notification", backend_name="default",
        run_after=timezone.now(), queue_name="default", priority=0,
    )


def store_copy(reference: str, language: str, stamp: str) -> str:
    return default_storage.save(f"invoices/{reference}-{language}-{stamp}-{'ab' * 16}.pdf",
                                ContentFile(b"%PDF-1.7 copy"))


def shop_records() -> dict:
    return {model.__name__: model.objects.count() for model in
            (Order, OrderEvent, Invoice, CreditNote, Payment, Notification, StockMovement, Product)}


@pytest.fixture
def shop_with_history():
    """A shop with an invoiced, paid order, a cancelled invoice, messages and stock movements."""
    make_shop()
    staff = make_staff_user()
    product = make_product(price_amount=Decimal("100.00"), stock=50)
    adjust_stock(product, change=5, reason=StockMovement.Reason.RECEPTION, note="", actor=staff)
    paid = issue_invoice(make_order([(product, 1)], delivery_kind="pickup", payment_method="cheque"))
    record_payment(paid, method="cheque", actor=staff)
    cancelled = issue_invoice(make_order([(product, 2)], delivery_kind="pickup", payment_method="cheque"))
    issue_credit_note(cancelled, actor=staff, reason="Erreur")
    # Old rows of the shop: history, never cleaned up.
    Order.objects.update(placed_at=OLD)
    Notification.objects.update(created_at=OLD)
    return product, paid


def test_deletes_what_has_served_and_nothing_else(shop_with_history, settings):
    settings.HOUSEKEEPING_CART_DAYS = 30
    settings.HOUSEKEEPING_TASK_DAYS = 14
    product, invoice = shop_with_history
    expired, current = make_session(expired=True), make_session(expired=False)
    abandoned = make_cart(product, updated_at=OLD)
    recent = make_cart(product, updated_at=timezone.now() - timedelta(days=29))
    old_done = make_task_result("SUCCESSFUL", finished_at=OLD)
    old_failed = make_task_result("FAILED", finished_at=OLD)
    recent_done = make_task_result("SUCCESSFUL", finished_at=timezone.now() - timedelta(days=13))
    waiting = make_task_result("READY", finished_at=None)
    superseded = store_copy(invoice.reference, "fr", "20261001-120000")
    attached_to_failed = store_copy(invoice.reference, "fr", "20261002-120000")
    Notification.objects.create(channel="email", template="invoice", recipient="a@b.test", status="failed",
                                dedupe_key="failed-send", attachments=[{"path": attached_to_failed}])
    newest = queue_invoice_email(invoice).attachments[0]["path"]  # stored now: the newest copy
    other_language = store_copy(invoice.reference, "en", "20261001-120000")  # its only English copy
    not_ours = default_storage.save("invoices/notes.pdf", ContentFile(b"kept"))
    before = shop_records()

    report = run_housekeeping()

    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=current).exists()
    assert set(Cart.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not CartLine.objects.filter(cart_id=abandoned.pk).exists()
    mine = [old_done.pk, old_failed.pk, recent_done.pk, waiting.pk]
    remaining_tasks = set(DBTaskResult.objects.filter(pk__in=mine).values_list("pk", flat=True))
    assert remaining_tasks == {recent_done.pk, waiting.pk}
    assert not default_storage.exists(superseded)
    for kept in (attached_to_failed, newest, other_language, not_ours):
        assert default_storage.exists(kept), kept
    assert shop_records() == before
    assert (report.sessions, report.carts, report.task_results, report.pdfs) == (
        1, 1, 2, [superseded])


def test_a_second_run_deletes_nothing_and_the_command_says_so(shop_with_history):
    product, invoice = shop_with_history
    make_cart(product, updated_at=OLD)
    make_session(expired=True)
    store_copy(invoice.reference, "fr", "20261001-120000")
    store_copy(invoice.reference, "fr", "20261101-120000")
    first = io.StringIO()
    call_command("housekeeping", stdout=first)
    assert "Abandoned carts deleted: 1" in first.getvalue()
    assert "Superseded PDF copies deleted: 1" in first.getvalue()
    before = shop_records()

    second = io.StringIO()
    call_command("housekeeping", stdout=second)

    assert second.getvalue().splitlines() == [
        "Expired sessions deleted: 0", "Abandoned carts deleted: 0",
        "Finished task results deleted: 0", "Superseded PDF copies deleted: 0",
    ]
    assert shop_records() == before


def test_the_cart_age_is_a_setting(shop_with_history, settings):
    product, _invoice = shop_with_history
    settings.HOUSEKEEPING_CART_DAYS = 60
    cart = make_cart(product, updated_at=OLD)  # 45 days

    assert run_housekeeping().carts == 0
    assert Cart.objects.filter(pk=cart.pk).exists()


def test_a_product_with_stock_movements_cannot_be_deleted(shop_with_history):
    product, _invoice = shop_with_history
    movements = StockMovement.objects.filter(product=product).count()
    assert movements > 0

    with pytest.raises(ProtectedError):
        Product.objects.filter(pk=product.pk).delete()

    assert Product.objects.filter(pk=product.pk).exists()
    assert StockMovement.objects.filter(product=product).count() == movements
