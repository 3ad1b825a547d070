"""Query helpers shared by the apps."""

from django.db import connections
from django.db.models import QuerySet


def count_each(querysets: dict[str, QuerySet], *, using: str = "default") -> dict[str, int]:
    """The number of rows of each queryset (sliced ones included: ``qs[:100]`` counts at most
    100), in one query: ``SELECT (SELECT COUNT(*) FROM (…)), …``."""
    parts, params = [], []
    for index, queryset in enumerate(querysets.values()):
        sql, query_params = queryset.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{index})")
        params.extend(query_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))
