"""PostgreSQL only: the customers' trigram indexes (0006) take each new customer at once.

A GIN index keeps the rows inserted since the last vacuum in a pending list (``fastupdate``,
on by default) that every search reads through in full. After 20,000 customers were added to a
shop, each email search of « Clients » read about 3,900 pending entries: 31 ms a query instead of
11 ms, twice per page, until autovacuum came by. With ``fastupdate`` off, an insert updates the
index itself (a little more work per new customer, which checkout does at most once per order)
and the searches cost the same at any time. The entries already pending are moved into the
index here (``gin_clean_pending_list``).
"""

from django.db import migrations

INDEXES = ["customer_email_trgm", "customer_phone_trgm", "customer_first_name_trgm",
           "customer_last_name_trgm", "customer_search_name_trgm"]


def _existing(schema_editor) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [INDEXES])
        return [row[0] for row in cursor.fetchall()]


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _existing(schema_editor):  # none where pg_trgm could not be created (0006)
        schema_editor.execute(f'ALTER INDEX "{name}" SET (fastupdate = off)')
        schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _existing(schema_editor):
        schema_editor.execute(f'ALTER INDEX "{name}" RESET (fastupdate)')


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0006_customer_trigram_indexes"),
    ]

    operations = [
        migrations.RunPython(without_pending_list, with_pending_list, elidable=False),
    ]
