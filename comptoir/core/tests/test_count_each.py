"""``core.queries.count_each``: several counts, sliced ones included, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.core.queries import count_each
from comptoir.core.testing import make_order
from comptoir.orders.models import Order
from comptoir.orders.selectors import READY, order_status_counts

pytestmark = pytest.mark.django_db


def test_counts_each_queryset_in_one_query_with_their_slices_and_parameters():
    for status in ["new", "new", "new", "cancelled"]:
        make_order(status=status, email=f"{status}@example.test")
    with CaptureQueriesContext(connection) as queries:
        counts = count_each({
            "new": Order.objects.filter(status="new"),
            "new_capped": Order.objects.filter(status="new").order_by().values("pk")[:2],
            "cancelled": Order.objects.filter(status="cancelled", email__contains="@"),
            "none": Order.objects.filter(status="completed"),
        })
    assert counts == {"new": 3, "new_capped": 2, "cancelled": 1, "none": 0}
    assert len(queries) == 1


def test_the_order_list_tabs_are_counted_in_one_query():
    make_order(status="new")
    make_order(status="awaiting_payment")
    with CaptureQueriesContext(connection) as queries:
        counts = order_status_counts()
    assert counts == {"new": 1, "awaiting_payment": 1, READY: 0}
    assert len(queries) == 1
