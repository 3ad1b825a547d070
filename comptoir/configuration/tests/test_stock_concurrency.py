"""Stock adjustments under real row locks (PostgreSQL): never below 0, none lost."""

import pytest

from comptoir.catalog.models import Product, StockMovement
from comptoir.configuration.services import adjust_stock
from comptoir.core.errors import DomainError
from comptoir.core.testing import make_product, make_staff_user, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twelve_removals_of_one_unit_from_a_stock_of_five():
    product = make_product(stock=5)
    actor = make_staff_user()
    outcomes = run_together(12, lambda index: adjust_stock(
        Product.objects.get(pk=product.pk), change=-1, reason="adjustment", actor=actor))
    refused = [outcome for outcome in outcomes if isinstance(outcome, DomainError)]
    assert len(refused) == 7 and sum(isinstance(o, Product) for o in outcomes) == 5
    product.refresh_from_db()
    assert product.stock == 0
    assert StockMovement.objects.filter(product=product).count() == 5


def test_concurrent_receptions_are_all_counted():
    product = make_product(stock=0)
    actor = make_staff_user()
    run_together(8, lambda index: adjust_stock(
        Product.objects.get(pk=product.pk), change=index + 1, reason="reception", actor=actor))
    product.refresh_from_db()
    assert product.stock == sum(range(1, 9)) == 36
