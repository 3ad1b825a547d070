"""Whole storefront pages kept for visitors who are not signed in and have no cart.

A page is kept in Django's cache under its address, language and the **pages version**: a number
in the database (``core.SharedVersion``, one row) that every web process reads with one query per
request, and that every change to what these pages show bumps once its transaction commits. A
page rendered from older data is kept under an older version, that no request asks for any more:
nothing stale is ever served, and no process has to be told.

What bumps the version:

- saving or deleting a watched model (``watch(Product)``: ``post_save``/``post_delete``);
- ``update()``, ``bulk_create()``, ``bulk_update()`` and ``delete()`` through a watched model's
  manager (``PageCacheQuerySet.as_manager()``), e.g. the stock decrements of checkout (a sale
  that leaves every stock it takes from above what the pages show in numbers,
  ``catalog.stock.shown_stock``, updates through ``update_unshown()``: the pages stay);
- :func:`pages_changed`, for any other write (the shop's settings through
  ``configuration_changed``), and ``migrate`` (a deployment may change templates or wording).

The bump runs in ``transaction.on_commit`` (so that a page rendered after the new version is read
shows the committed change); the process that made the change also moves to a new version at once
(a counter of its own in the key), so that its next request never shows what it just changed.
Entries expire after ``ENTRY_TIMEOUT`` in any case.

Who gets a kept page: a GET without a session cookie (no cart, not signed in: both live in the
session) and without a messages cookie. Everyone else gets a fresh page. The forms of a kept page
(add to cart, language) carry the visitor's own CSRF token: the page is kept with a placeholder in
place of the token, replaced at each answer by a token of the visitor's CSRF cookie (set when the
visitor has none). Because of that token, answers are ``Cache-Control: private, no-cache`` with
``Vary: Cookie`` and an ``ETag`` (version, address, language, CSRF cookie): browsers revalidate
and get a ``304`` while nothing changed; a shared proxy must not keep them.
"""

import hashlib
import itertools
import logging
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_NAME = "pages"
ENTRY_TIMEOUT = 600  # seconds: a bound, not what keeps pages fresh (the version does)
CACHE_CONTROL = "private, no-cache"
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
_PLACEHOLDER = b"__comptoir_csrf_token__"
_REQUEST_ATTRIBUTE = "_comptoir_pages_version"
# Bumped at once by the process that changes something (see the module's docstring).
_local_changes = itertools.count()
_local_version = 0


def pages_changed(using: str | None = None) -> None:
    """Record that what storefront pages show changes in the current transaction (or now, in
    autocommit): the pages version is bumped once the transaction commits."""
    global _local_version
    _local_version = next(_local_changes) + 1
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit):
        return  # once per transaction is enough
    transaction.on_commit(_bump, using=using, robust=True)


def _bump(using: str | None = None) -> None:
    from .models import SharedVersion

    table = connections[using or "default"].ops.quote_name(SharedVersion._meta.db_table)
    with connections[using or "default"].cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE name = %s", [VERSION_NAME])
        if cursor.rowcount:
            return
    try:
        SharedVersion.objects.get_or_create(name=VERSION_NAME, defaults={"value": time.time_ns()})
    except IntegrityError:  # created meanwhile by another process: a new value either way
        pass


def pages_version(request=None) -> str:
    """The current version (one query), read once per request."""
    from .models import SharedVersion

    version = getattr(request, _REQUEST_ATTRIBUTE, None)
    if version is not None:
        return version
    connection = connections[router.db_for_read(SharedVersion)]
    table = connection.ops.quote_name(SharedVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE name = %s", [VERSION_NAME])
        row = cursor.fetchone()
    if row is None:  # first use (or emptied table): start from a value no process has seen
        shared, _created = SharedVersion.objects.get_or_create(
            name=VERSION_NAME, defaults={"value": time.time_ns()})
        row = (shared.value,)
    version = f"{row[0]}.{_local_version}"
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, version)
    return version


class PageCacheQuerySet(models.QuerySet):
    """A watched model's queryset: writes in bulk bump the pages version."""

    def update(self, **kwargs):
        pages_changed(self.db)
        return super().update(**kwargs)

    def update_unshown(self, **kwargs):
        """``update()`` of values no kept page shows (the caller knows: e.g. a sale that leaves
        a stock above what the pages show in numbers): the pages version stays."""
        return super().update(**kwargs)

    def bulk_create(self, *args, **kwargs):
        pages_changed(self.db)
        return super().bulk_create(*args, **kwargs)

    def bulk_update(self, *args, **kwargs):
        pages_changed(self.db)
        return super().bulk_update(*args, **kwargs)

    def delete(self):
        pages_changed(self.db)
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True
    update.alters_data = True
    update_unshown.alters_data = True


def watch(model) -> None:
    """Bump the pages version whenever an instance of ``model`` is saved or deleted."""
    post_save.connect(_instance_changed, sender=model, weak=False,
                      dispatch_uid=f"page_cache:save:{model._meta.label}")
    post_delete.connect(_instance_changed, sender=model, weak=False,
                        dispatch_uid=f"page_cache:delete:{model._meta.label}")


def _instance_changed(sender, using=None, **kwargs) -> None:
    pages_changed(using)


def migrated(**kwargs) -> None:
    """``post_migrate``: a deployment may change templates or wording."""
    if kwargs.get("app_config") is not None and kwargs["app_config"].label == "core":
        pages_changed(kwargs.get("using"))


def _keeps_page(request) -> bool:
    return (request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES)


def cached_for_visitors(view):
    """Keep the page ``view`` answers for visitors without a session (see the module)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _keeps_page(request):
            response = view(request, *args, **kwargs)
            return _headers(response)
        version = pages_version(request)
        key = "page:" + hashlib.sha256("\n".join((
            version, request.scheme, request.get_host(), request.LANGUAGE_CODE, request.get_full_path(),
        )).encode()).hexdigest()
        token = get_token(request)  # sets the visitor's CSRF cookie when there is none
        etag = '"' + hashlib.sha256(f"{key}:{request.META['CSRF_COOKIE']}".encode()).hexdigest()[:32] + '"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return _headers(response)
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not request.session.modified:
                cache.set(key, (response["Content-Type"], _TOKEN.sub(
                    lambda match: match.group(0).replace(match.group(1), _PLACEHOLDER), response.content,
                )), ENTRY_TIMEOUT)
        else:
            content_type, body = entry
            response = HttpResponse(body.replace(_PLACEHOLDER, token.encode()), content_type=content_type)
        if response.status_code == 200:
            response["ETag"] = etag
        return _headers(response)

    return wrapper


def _headers(response):
    patch_vary_headers(response, ("Cookie",))
    response["Cache-Control"] = CACHE_CONTROL
    return response
