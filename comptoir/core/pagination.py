"""Keyset pagination: a list walked by a unique, ordered number (order or invoice number),
newest first. Every page costs the same, the 1st or the 2,000th, and no COUNT over the whole
table is needed (what page numbers would cost)."""

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass
class KeysetPage:
    rows: list
    older: int | None  # number to pass as ``before`` for the next (older) page
    newer: int | None  # number to pass as ``after`` for the previous (newer) page


def keyset_page(queryset: QuerySet, *, key: str = "number", before=None, after=None,
                size: int = 50) -> KeysetPage:
    """The ``size`` rows below ``before`` (or above ``after``), newest first, by ``key``; rows
    are model objects or, from a ``values()`` queryset, dictionaries."""
    if after is not None:
        rows = list(queryset.filter(**{f"{key}__gt": after}).order_by(key)[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(rows, _key(rows[-1], key) if rows else None,
                          _key(rows[0], key) if has_newer else None)
    if before is not None:
        queryset = queryset.filter(**{f"{key}__lt": before})
    rows = list(queryset.order_by(f"-{key}")[: size + 1])
    return newest_first_page(rows, key=key, before=before, size=size)


def newest_first_page(rows: list, *, key: str = "number", before=None, size: int = 50) -> KeysetPage:
    """The page of ``rows``, read newest first below ``before`` (when given), ``size + 1`` at
    most: a row beyond ``size`` tells that older ones follow."""
    has_older = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows,
        _key(rows[-1], key) if has_older else None,
        _key(rows[0], key) if before is not None and rows else None,
    )


def _key(row, key: str):
    return row[key] if isinstance(row, dict) else getattr(row, key)
