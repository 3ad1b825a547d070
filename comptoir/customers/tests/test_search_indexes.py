"""The back-office searches of customers are answered by the trigram indexes on PostgreSQL
(migration ``customers.0006``), for the exact expressions the searches filter on."""

import pytest
from django.db import connection, transaction
from django.db.models import Q

from comptoir.customers.models import Customer
from comptoir.dashboard import selectors as dashboard_selectors

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    """The plan PostgreSQL chooses when it may only read a table through a bitmap of index
    entries (the test tables are tiny: otherwise it would read them whole, or walk the
    index of the sort order, whatever the indexes of the search)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        return queryset.explain()


@pytest.fixture
def customers():
    Customer.objects.create(email="gina.gagne@example.com", first_name="Gina", last_name="Gagné",
                            phone="514 555-0199")
    Customer.objects.create(email="paul@example.com", first_name="Paul", last_name="Tremblay")


@pytest.mark.postgres
@pytest.mark.parametrize("search,index", [
    ("gina.gagne@example", "customer_email_trgm"),
    ("555-0199", "customer_phone_trgm"),
    ("gagne", "customer_search_name_trgm"),
])
def test_the_customer_list_search_reads_the_trigram_indexes(customers, search, index):
    queryset = dashboard_selectors.customer_list(search=search)
    assert [c.email for c in queryset] == ["gina.gagne@example.com"]
    assert index in plan(queryset)


@pytest.mark.postgres
def test_the_order_search_finds_its_customers_through_the_trigram_indexes(customers):
    # The condition ``orders.selectors._search`` puts on the customers for each word.
    word = "tremb"
    matched = Customer.objects.filter(
        Q(email__icontains=word) | Q(last_name__icontains=word) | Q(first_name__icontains=word))
    assert [c.last_name for c in matched] == ["Tremblay"]
    text = plan(matched.values("pk"))
    for index in ("customer_email_trgm", "customer_last_name_trgm", "customer_first_name_trgm"):
        assert index in text


@pytest.mark.postgres
def test_without_pg_trgm_the_migration_warns_and_creates_no_index(caplog):
    import importlib

    from django.db import DatabaseError

    migration = importlib.import_module("comptoir.customers.migrations.0006_customer_trigram_indexes")
    executed = []

    class RefusingEditor:  # a database where the extension may not be created
        connection = connection

        def execute(self, sql, params=()):
            executed.append(sql)
            if sql.startswith("CREATE EXTENSION"):
                raise DatabaseError('permission denied to create extension "pg_trgm"')

    with caplog.at_level("WARNING"):
        migration.create_trigram_indexes(None, RefusingEditor())
    assert executed == ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    assert "customer searches stay unindexed" in caplog.text
    assert dashboard_selectors.customer_list(search="gagne").count() == 0  # the connection still works


@pytest.mark.postgres
def test_new_customers_go_straight_into_the_trigram_indexes_without_a_pending_list():
    # ``fastupdate`` off (migration 0007): a search never reads through entries left pending
    # since the last vacuum.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c WHERE c.relname = ANY(%s) ORDER BY c.relname",
            [["customer_email_trgm", "customer_phone_trgm", "customer_first_name_trgm",
              "customer_last_name_trgm", "customer_search_name_trgm"]])
        options = dict(cursor.fetchall())
    assert len(options) == 5
    assert all("fastupdate=off" in (value or []) for value in options.values()), options
    for number in range(12):
        Customer.objects.create(email=f"new{number}@example.com", first_name="Nouveau",
                                last_name=f"Client{number}")
    found = Customer.objects.filter(email__icontains="new1")
    assert sorted(c.email for c in found) == ["new10@example.com", "new11@example.com", "new1@example.com"]
    assert "customer_email_trgm" in plan(found)


@pytest.mark.parametrize("search", [
    "gina.gagne@example.com", "GINA.Gagne@Example.COM", "gagne@example", "gina.gagne@", "@example.com",
    "na.gagne@example.com.au", "gina%@example.com",
])
def test_an_email_search_finds_the_customers_whose_email_contains_it(search):
    for email in ["gina.gagne@example.com", "xgina.gagne@example.com", "gina.gagne@example.com.au",
                  "gina.gagne@other.com", "paul@example.com", "gina%@example.com"]:
        Customer.objects.create(email=email, first_name="Gina", last_name="Client")
    expected = sorted(Customer.objects.filter(email__icontains=search).values_list("email", flat=True))
    assert expected  # each search finds someone
    found = sorted(c.email for c in dashboard_selectors.customer_list(search=search))
    assert found == expected


@pytest.mark.postgres
def test_an_email_search_asks_the_trigram_index_for_what_comes_before_the_at_sign(customers):
    queryset = dashboard_selectors.customer_list(search="gina.gagne@example.com")
    assert [c.email for c in queryset] == ["gina.gagne@example.com"]
    text = plan(queryset)
    assert "customer_email_trgm" in text
    assert "GINA.GAGNE@%" in text.upper() and "STRPOS" in text.upper()


def _guest_by_email(email):
    # The lookup ``customers.services.record_customer`` makes at each guest checkout.
    return Customer.objects.filter(user=None, email__iexact=email)


def test_a_guest_checkout_finds_its_customer_whatever_the_case_of_the_email(customers):
    from comptoir.customers.services import _existing_customer

    assert _existing_customer(email="GINA.Gagne@Example.COM", user=None).last_name == "Gagné"
    assert _existing_customer(email="gina.gagne@example.org", user=None) is None


@pytest.mark.postgres
def test_a_guest_checkout_finds_its_customer_through_the_upper_email_index(customers):
    # Without ``customer_email_upper``, PostgreSQL answered ``UPPER(email) = …`` through the
    # trigram index: 11 ms a checkout with 20,000 customers whose emails share trigrams.
    Customer.objects.bulk_create(Customer(email=f"client{n}@example.com") for n in range(3000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    text = _guest_by_email("gina.gagne@example.com").explain()
    assert "customer_email_upper" in text
    assert "customer_email_trgm" not in text
