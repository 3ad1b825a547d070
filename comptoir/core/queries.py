"""Query helpers shared by the apps."""

from django.db import connections
from django.db.models import QuerySet


def count_each(querysets: dict[str, QuerySet], *, using: str = "default") -> dict[str, int]:
    """The number of rows of each queryset (sliced ones included: ``qs[:100]`` counts at most
    100), in one query: ``SELECT (SELECT COUNT(*) FROM (…)), …``."""
    return run_counts(list(querysets), *counting_sql(querysets), using=using)


def counting_sql(querysets: dict[str, QuerySet]) -> tuple[str, list]:
    """The SQL and parameters of ``count_each``: a caller whose querysets never change may
    keep them and run them again with ``run_counts``."""
    parts, params = [], []
    for index, queryset in enumerate(querysets.values()):
        sql, query_params = queryset.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{index})")
        params.extend(query_params)
    return "SELECT " + ", ".join(parts), params


def run_counts(names: list[str], sql: str, params: list, *, using: str = "default") -> dict[str, int]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return dict(zip(names, cursor.fetchone(), strict=True))
