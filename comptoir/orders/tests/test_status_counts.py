import pytest

from comptoir.core.testing import make_order, make_shop
from comptoir.orders import selectors

pytestmark = pytest.mark.django_db


def test_tab_counts_are_exact_below_the_cap():
    make_shop()
    make_order(status="new")
    make_order(status="new")
    make_order(status="awaiting_payment")
    make_order(status="completed")

    counts = selectors.order_status_counts()

    assert counts == {"new": 2, "awaiting_payment": 1, selectors.READY: 0}


def test_tab_counts_stop_at_the_cap(monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    make_shop()
    for _ in range(3):
        make_order(status="new")

    assert selectors.order_status_counts()["new"] == 2
