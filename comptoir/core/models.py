import sqlite3

from django.db import models, transaction


class Sequence(models.Model):
    """A named gap-free counter (order numbers, invoice numbers, credit-note numbers).

    ``next_value`` locks the row for the rest of the caller's transaction, so numbers are
    consecutive and never reused even when many transactions ask at once: a rolled-back
    transaction gives its number back because the increment rolls back with it.
    """

    name = models.CharField(max_length=50, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"

    @classmethod
    def next_value(cls, name: str, *, start: int = 1) -> int:
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            raise RuntimeError("Sequence.next_value must run inside a transaction")
        if _can_return_from_update(connection):
            # One statement: the UPDATE takes the row lock and returns the new value.
            table = connection.ops.quote_name(cls._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET last_value = "
                    "CASE WHEN last_value < %s THEN %s ELSE last_value END + 1 "
                    "WHERE name = %s RETURNING last_value",
                    [start - 1, start - 1, name],
                )
                row = cursor.fetchone()
            if row is not None:
                return row[0]
        sequence = cls.objects.select_for_update().filter(name=name).first()
        if sequence is None:  # only the first time a counter is used
            cls.objects.get_or_create(name=name, defaults={"last_value": start - 1})
            sequence = cls.objects.select_for_update().get(name=name)
        # The initial migration creates the counters at 0; ``start`` still decides the first number.
        sequence.last_value = max(sequence.last_value, start - 1) + 1
        sequence.save(update_fields=["last_value"])
        return sequence.last_value


    @classmethod
    def assign(cls, name: str, instance: models.Model, field: str, *, start: int = 1) -> int:
        """Take the next value of ``name`` and write it into ``field`` of ``instance``'s row (and
        onto ``instance``); the counter's row stays locked for the rest of the transaction, as with
        :meth:`next_value`. On PostgreSQL one statement does both."""
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            raise RuntimeError("Sequence.assign must run inside a transaction")
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            table, target = quote(cls._meta.db_table), quote(instance._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"WITH taken AS (UPDATE {table} SET last_value = "
                    "CASE WHEN last_value < %s THEN %s ELSE last_value END + 1 "
                    "WHERE name = %s RETURNING last_value) "
                    f"UPDATE {target} SET {quote(instance._meta.get_field(field).column)} = taken.last_value "
                    f"FROM taken WHERE {target}.{quote(instance._meta.pk.column)} = %s "
                    "RETURNING taken.last_value",
                    [start - 1, start - 1, name, instance.pk],
                )
                row = cursor.fetchone()
            if row is not None:
                setattr(instance, field, row[0])
                return row[0]
            if cls.objects.filter(name=name).exists():  # the counter moved: the row is missing
                raise RuntimeError(f"Row {instance.pk} of {target} is missing")
        # No counter row yet (``next_value`` creates it), or another database: two statements.
        value = cls.next_value(name, start=start)
        type(instance)._base_manager.filter(pk=instance.pk).update(**{field: value})
        setattr(instance, field, value)
        return value


def _can_return_from_update(connection) -> bool:
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)


class SharedVersion(models.Model):
    """A named version number that every web process reads from the database (e.g. the
    catalogue's, ``core.page_cache``): one row, bumped after each change, read with one query."""

    name = models.CharField(max_length=50, primary_key=True)
    value = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
