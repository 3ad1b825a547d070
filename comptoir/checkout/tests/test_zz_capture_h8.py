from decimal import Decimal
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from comptoir.core.testing import make_delivery_methods, make_product, make_shop
from comptoir.storefront.tests.helpers import add_to_cart, details_post, review_fields, url

pytestmark = pytest.mark.django_db

@pytest.mark.parametrize("lines", [1, 3])
def test_capture(client, lines):
    make_shop(alert_mobile="514 555-0100", alert_new_order="both")
    methods = make_delivery_methods()
    for i in range(lines):
        p = make_product(price_amount=Decimal("10.00"), stock=50, name_fr=f"P{i}", name_en=f"P{i}", sku=f"S{i}", slug=f"p{i}")
        add_to_cart(client, p, 1)
    r = client.post(url("checkout"), details_post(methods["shipped"]))
    review = client.get(r.url)
    with CaptureQueriesContext(connection) as ctx:
        resp = client.post(url("checkout_review"), review_fields(review))
    assert resp.status_code == 302
    print("\nQUERIES", lines, len(ctx.captured_queries))
    for q in ctx.captured_queries:
        print("  ", q["sql"][:220])
