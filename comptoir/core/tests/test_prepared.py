"""``core.prepared``: a query's SQL written once per database, run again with other values, gives
what the ORM gives; what cannot be told apart is refused when the query is prepared."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count, Prefetch
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.core.prepared import PreparedQuery, PreparedQueryError, attach_related
from comptoir.core.testing import make_order, make_product
from comptoir.orders.models import Order, OrderLine
from comptoir.payments.selectors import order_detail

pytestmark = pytest.mark.django_db


def orders_by_number(number):
    return (Order.objects.select_related("customer", "billing_address", "delivery_method")
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("-id")))
            .filter(number=number))


def as_compared(order: Order) -> tuple:
    return (order.pk, order.number, order.total_amount, order.placed_at, order.customer.email,
            order.billing_address.city, order.delivery_method.code,
            [(line.pk, line.quantity, line.unit_price_amount) for line in order.lines.all()])


def test_models_with_their_joins_and_prefetches_are_what_the_orm_gives_for_each_value():
    orders = [make_order([(make_product(price_amount=Decimal("12.34")), quantity)],
                         email=f"o{quantity}@example.test")
              for quantity in (1, 2, 3)]
    prepared = PreparedQuery(orders_by_number, number=(1, 2))
    for order in orders:
        (found,) = prepared(number=order.number)
        (expected,) = list(orders_by_number(order.number))
        assert as_compared(found) == as_compared(expected)
        assert isinstance(found.total_amount, Decimal)
        assert timezone.is_aware(found.placed_at)
    assert prepared(number=max(order.number for order in orders) + 1) == []


def test_the_sql_is_written_once_then_each_call_is_one_query_without_compiling():
    first, second = make_order(email="a@example.test"), make_order(email="b@example.test")
    prepared = PreparedQuery(
        lambda number: Order.objects.filter(number=number).values("email", "total_amount"), number=(1, 2))
    assert prepared(number=first.number) == [{"email": "a@example.test", "total_amount": first.total_amount}]
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiling:
        with CaptureQueriesContext(connection) as queries:
            rows = prepared(number=second.number)
    assert rows == [{"email": "b@example.test", "total_amount": second.total_amount}]
    assert len(queries) == 1
    assert compiling.call_count == 0


def test_a_value_used_twice_and_annotations_are_bound_everywhere():
    order = make_order(email="twice@example.test")
    prepared = PreparedQuery(
        lambda number: Order.objects.filter(number=number, number__gte=number).values("number")
        .annotate(lines=Count("lines")),
        number=(1, 2),
    )
    assert prepared(number=order.number) == [{"number": order.number, "lines": order.lines.count()}]


def test_none_or_another_type_is_run_by_the_orm_with_its_own_sql():
    shipped, picked_up = make_order(), make_order(delivery_kind="pickup")
    assert picked_up.shipping_address_id is None
    prepared = PreparedQuery(
        lambda address_id: Order.objects.filter(shipping_address_id=address_id).values_list("pk", flat=True),
        address_id=(1, 2))
    assert prepared(address_id=shipped.shipping_address_id) == [shipped.pk]
    # ``= NULL`` would match nothing: the ORM writes ``IS NULL``.
    assert prepared(address_id=None) == [picked_up.pk]
    assert prepared(address_id=str(shipped.shipping_address_id)) == [shipped.pk]


@pytest.mark.parametrize("build, samples, refusal", [
    (lambda email: Order.objects.filter(email__icontains=email), {"email": ("a", "b")},
     "is not one of the sample"),
    (lambda number: Order.objects.filter(number=number, placed_at__lte=timezone.now()), {"number": (1, 2)},
     "is not one of the sample"),
    (lambda number: Order.objects.filter(number__gte=1), {"number": (1, 2)}, "not found among"),
    (lambda number: Order.objects.filter(number=number) if number == 1 else Order.objects.filter(pk=number),
     {"number": (1, 2)}, "different SQL"),
])
def test_values_that_cannot_be_told_apart_are_refused_when_the_query_is_prepared(build, samples, refusal):
    make_order()
    with pytest.raises(PreparedQueryError, match=refusal):
        PreparedQuery(build, **samples)(**{name: pair[0] for name, pair in samples.items()})


@pytest.mark.parametrize("samples", [{"number": (1, 1)}, {"number": (None, 2)}, {"number": ([1], [2])},
                                     {"number": (1, "2")}])
def test_samples_must_be_two_different_single_values_of_one_type(samples):
    with pytest.raises(PreparedQueryError):
        PreparedQuery(lambda number: Order.objects.filter(number=number), **samples)


def test_attached_rows_are_what_the_relation_gives_without_a_query_and_filters_still_ask_the_database():
    order = make_order([(make_product(), 1), (make_product(), 2)])
    lines = list(OrderLine.objects.filter(order=order).order_by("-id"))
    fresh = Order.objects.get(pk=order.pk)
    attach_related(fresh, "lines", lines)
    with CaptureQueriesContext(connection) as queries:
        assert list(fresh.lines.all()) == lines
        assert all(line.order is fresh for line in fresh.lines.all())
    assert len(queries) == 0
    assert list(fresh.lines.filter(quantity=2)) == [line for line in lines if line.quantity == 2]


def test_the_order_page_reads_the_order_its_lines_taxes_and_timeline_as_the_orm_does():
    order = make_order([(make_product(), 2)], email="page@example.test")
    found = order_detail(order.number, invoice_documents=False)
    expected = Order.objects.prefetch_related("lines", "taxes", "events").get(pk=order.pk)
    assert found.pk == order.pk and found.customer.email == expected.customer.email
    with CaptureQueriesContext(connection) as queries:
        assert list(found.lines.all()) == list(expected.lines.all())
        assert list(found.taxes.all()) == list(expected.taxes.all())
        assert [event.pk for event in found.events.all()] == [event.pk for event in expected.events.all()]
    assert len(queries) == 0
    with pytest.raises(Order.DoesNotExist):
        order_detail(order.number + 1000)


def test_a_query_prepared_for_postgresql_only_is_run_by_the_orm_elsewhere():
    order = make_order(email="a@example.test")
    prepared = PreparedQuery(lambda number: Order.objects.filter(number=number).values("email"),
                             number=(1, 2), vendors=("postgresql",))
    for _ in range(2):
        with mock.patch.object(SQLCompiler, "as_sql", autospec=True,
                               side_effect=SQLCompiler.as_sql) as compiling:
            assert prepared(number=order.number) == [{"email": "a@example.test"}]
    assert bool(prepared._compiled) == (connection.vendor == "postgresql")
    assert (compiling.call_count == 0) == (connection.vendor == "postgresql")


def test_the_database_sessions_read_their_row_as_django_does_and_once_prepared_without_compiling():
    import datetime

    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from comptoir.core.sessions import SessionStore

    live = SessionStore()
    live["cart_token"] = "abc"
    live.create()
    live.save()
    expired = SessionStore()
    expired["cart_token"] = "old"
    expired.set_expiry(datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC))
    expired.save()
    for key, data in ((live.session_key, {"cart_token": "abc"}), (expired.session_key, {}),
                      ("unknown-session-key", {})):
        ours, django = SessionStore(key), DjangoStore(key)
        assert ours.load() == django.load() == data
        assert ours.session_key == django.session_key  # None when there is no such live session
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiling:
        with CaptureQueriesContext(connection) as queries:
            assert SessionStore(live.session_key).load() == {"cart_token": "abc"}
    assert len(queries) == 1
    assert (compiling.call_count == 0) == (connection.vendor == "postgresql")


def test_the_shop_settings_are_read_by_one_prepared_query_and_created_when_missing():
    from comptoir.merchant.models import ShopSettings

    ShopSettings.objects.all().delete()
    created = ShopSettings.load()
    assert created.pk == 1 and created.legal_name == "Comptoir"
    ShopSettings.objects.filter(pk=1).update(trade_name="Le Comptoir")
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiling:
        with CaptureQueriesContext(connection) as queries:
            assert ShopSettings.load().trade_name == "Le Comptoir"
    assert len(queries) == 1
    assert compiling.call_count == 0


def test_a_new_session_is_inserted_without_looking_its_key_up_and_a_taken_key_is_drawn_again(monkeypatch):
    from django.contrib.sessions.models import Session

    from comptoir.core import sessions

    first = sessions.SessionStore()
    first["a"] = 1
    with CaptureQueriesContext(connection) as queries:
        first.create()
    assert not any("SELECT" in query["sql"] and "django_session" in query["sql"] for query in queries)
    keys = iter([first.session_key, "another-key-of-32-characters-abc"])
    monkeypatch.setattr(sessions.SessionStore, "_get_new_session_key", lambda self: next(keys))
    second = sessions.SessionStore()
    second.create()  # the first key is taken: the insert refuses it, the second one is used
    assert second.session_key == "another-key-of-32-characters-abc"
    assert Session.objects.count() == 2
