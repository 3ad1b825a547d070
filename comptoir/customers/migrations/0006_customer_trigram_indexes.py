"""PostgreSQL only: trigram indexes for the back-office searches of customers.

« Clients » (``dashboard.selectors.customer_list``) and the order search
(``orders.selectors._search``) look for a word anywhere in a customer's email, phone or name
(``icontains``, which Django writes ``UPPER(column::text) LIKE UPPER('%word%')``, and
``search_name LIKE '% word%'``). Without an index that is a sequential scan of every customer,
twice per page (the count and the page). A GIN index of the trigrams of the same expressions
(``pg_trgm``) answers these ``LIKE`` patterns directly.

``pg_trgm`` ships with PostgreSQL and is a trusted extension (PostgreSQL 13+): the owner of the
database may create it. Where it cannot be created, the searches work as before, unindexed, and
the migration says so. SQLite has no such index: its searches stay sequential scans.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

# (index name, indexed expression): each the exact expression the searches filter on.
INDEXES = [
    ("customer_email_trgm", 'UPPER("email"::text)'),
    ("customer_phone_trgm", 'UPPER("phone"::text)'),
    ("customer_first_name_trgm", 'UPPER("first_name"::text)'),
    ("customer_last_name_trgm", 'UPPER("last_name"::text)'),
    ("customer_search_name_trgm", '"search_name"'),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("pg_trgm could not be created (%s): customer searches stay unindexed.", error)
        return
    for name, expression in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "customers_customer" '
            f"USING gin (({expression}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0005_customer_sort_indexes"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
