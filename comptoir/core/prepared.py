"""Read queries whose SQL the ORM writes once per database, then runs again with other values.

Writing a query's SQL costs the ORM far more than running it costs PostgreSQL on the pages that
run on every request: the back-office's first checks (a user row with five subqueries) took
about 1.5 ms of CPU to build and compile and 0.14 ms to run. ``PreparedQuery`` keeps the SQL and
the compiler that wrote it, and for each later call only puts the new values among the SQL's
parameters. The rows go through the same ORM code as a normal queryset's (the compiler's
conversions, ``select_related``, ``prefetch_related``, ``values()``), so a prepared query
returns what ``list(build(**values))`` returns.

How the values are found: the queryset is built and compiled twice, with two sets of sample
values (``PreparedQuery(build, number=(1, 2))``). Both must give the same SQL, and the
parameters that differ between the two must be, one for one, the samples. Anything else is
refused when the query is first prepared (``PreparedQueryError``): a value the ORM transforms
(``icontains`` wraps it in ``%``), a list (its length changes the SQL), a value the builder
reads by itself (``timezone.now()`` differs between the two compilations). A ``None`` value, or
one of another type than its samples, changes the SQL (``IS NULL``), so such a call is run by
the ORM as usual.

``build`` must depend on its arguments only: what else it reads (the active language, a
setting) is fixed by the first call, per database.

``vendors`` limits the preparing to some databases (``("postgresql",)``): elsewhere the ORM runs
the query each time. SQLite, for one, is given datetimes and UUIDs as text, which the samples
cannot be found as.
"""

import copy
import threading
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet


class PreparedQueryError(ValueError):
    """The builder's values cannot be told apart among the SQL's parameters."""


class _Compiled:
    __slots__ = ("template", "compiler", "sql", "params", "positions", "converters")

    def __init__(self, template: QuerySet, compiler, sql: str, params: tuple, positions: dict):
        self.template, self.compiler, self.sql = template, compiler, sql
        self.params, self.positions = params, positions
        # What ``results_iter`` applies to each row (per column: the backend's and the field's
        # conversions), worked out once as well.
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(columns)


class PreparedQuery:
    """``build(**values)`` returns a queryset; ``samples`` gives each value's two samples."""

    def __init__(self, build: Callable[..., QuerySet], *, vendors: tuple[str, ...] = (), **samples: tuple):
        for name, pair in samples.items():
            if not (isinstance(pair, tuple) and len(pair) == 2 and pair[0] != pair[1]):
                raise PreparedQueryError(f"{name}: give two different sample values")
            if any(value is None or isinstance(value, (list, tuple, set, frozenset, dict)) for value in pair):
                raise PreparedQueryError(f"{name}: a sample must be a single value, not None")
            if type(pair[0]) is not type(pair[1]):
                raise PreparedQueryError(f"{name}: both samples must be of the same type")
        self.build = build
        self.samples = samples
        self.vendors = vendors
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._alias: str | None = None  # the database the router gives the builder's queryset
        self._lock = threading.Lock()

    def __call__(self, **values) -> list:
        """The rows (model instances, dictionaries or tuples, as ``build`` asks) for ``values``."""
        if set(values) != set(self.samples):
            raise TypeError(f"expected the values {sorted(self.samples)}, got {sorted(values)}")
        if not all(type(values[name]) is type(pair[0]) for name, pair in self.samples.items()):
            return list(self.build(**values))  # None, or another type: the SQL would differ
        using = self._alias
        if using and self.vendors and connections[using].vendor not in self.vendors:
            return list(self.build(**values))
        compiled = self._compiled.get((using, connections[using].vendor)) if using else None
        if compiled is None:
            compiled = self._prepare()
            if compiled is None:  # a database this query is not prepared for
                return list(self.build(**values))
            using = self._alias
        connection = connections[using]
        params = list(compiled.params)
        for name, positions in compiled.positions.items():
            for position, adapt in positions:
                params[position] = adapt(values[name]) if adapt else values[name]
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection  # this thread's connection
        sql, bound, converters = compiled.sql, tuple(params), compiled.converters
        compiler.as_sql = lambda *args, **kwargs: (sql, bound)
        compiler.get_converters = lambda expressions: converters
        queryset = compiled.template._chain()  # a copy of the query: its compiler is this call's
        queryset.query.get_compiler = lambda using=None, connection=None, elide_empty=True: compiler
        return list(queryset)

    def _prepare(self) -> _Compiled | None:
        first = self.build(**{name: pair[0] for name, pair in self.samples.items()})
        using = first.db
        if self.vendors and connections[using].vendor not in self.vendors:
            self._alias = using
            return None
        second = self.build(**{name: pair[1] for name, pair in self.samples.items()})
        compiler = first.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        other_sql, other_params = second.query.get_compiler(using=using).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise PreparedQueryError("the two samples give different SQL")
        positions: dict[str, list[tuple[int, type | None]]] = {name: [] for name in self.samples}
        for index, (one, other) in enumerate(zip(params, other_params, strict=True)):
            if one == other and type(one) is type(other):
                continue
            names = [
                name
                for name, pair in self.samples.items()
                if one == pair[0] and other == pair[1] and isinstance(one, type(pair[0]))
            ]
            if len(names) != 1:
                raise PreparedQueryError(
                    f"parameter {index} ({one!r}, then {other!r}) is not one of the sample values"
                )
            # The database backend may give a value its SQL type (psycopg's ``Int8(1)`` for 1):
            # later values get the same.
            adapt = type(one) if type(one) is not type(self.samples[names[0]][0]) else None
            positions[names[0]].append((index, adapt))
        missing = [name for name, found in positions.items() if not found]
        if missing:
            raise PreparedQueryError(f"not found among the SQL's parameters as given: {', '.join(missing)}")
        compiled = _Compiled(first, compiler, sql, tuple(params), positions)
        with self._lock:
            self._compiled[(using, connections[using].vendor)] = compiled
            self._alias = using
        return compiled


def attach_related(instance, name: str, rows: list) -> None:
    """Makes ``instance.<name>.all()`` give ``rows`` without a query, as ``prefetch_related(name)``
    would (``name``: a reverse foreign key, such as ``order.lines``; ``rows``: all of its rows,
    in the order its pages show them). Each row's foreign key gets ``instance``. The relation's
    queryset is the usual one: ``.filter()`` on it still asks the database."""
    manager = getattr(instance, name)
    field = manager.field
    for row in rows:
        field.set_cached_value(row, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[field.remote_field.cache_name] = queryset
