"""The shop's configuration (settings, logo, navigation) as every web process sees it.

Without ``REDIS_URL`` nothing is kept between requests: each request reads the shop's settings and
navigation from the database, so every process sees a change at its next request.

With ``REDIS_URL`` they are kept in the shared cache under a version number, itself a cache key
(one read per request). A change calls :func:`configuration_changed` in its transaction: once it
commits, the version is bumped, so every process reads the new values at its next request; the
entries of older versions expire by themselves.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .page_cache import pages_changed

VERSION_KEY = "shop-configuration-version"
ENTRY_TIMEOUT = 3600  # seconds; a bound, not what keeps values fresh (the version does)
_REQUEST_ATTRIBUTE = "_comptoir_configuration_version"


def shared_cache_enabled() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def configuration_changed() -> None:
    """Record that the shop's settings, logo or categories change in the current transaction
    (the storefront pages kept by ``core.page_cache`` too)."""
    pages_changed()
    if shared_cache_enabled():
        transaction.on_commit(_bump_version)


def _bump_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): start from a value no process has seen
        cache.set(VERSION_KEY, time.time_ns(), None)


def configuration_version(request=None) -> int:
    """The current version, read once per request."""
    version = getattr(request, _REQUEST_ATTRIBUTE, None)
    if version is None:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, time.time_ns(), None)
            version = cache.get(VERSION_KEY)
        if request is not None:
            setattr(request, _REQUEST_ATTRIBUTE, version)
    return version


def cached_configuration(name: str, build, *, request=None):
    """``build()``, kept in the shared cache for the current configuration version when there is
    one (``REDIS_URL``); computed afresh otherwise."""
    if not shared_cache_enabled():
        return build()
    key = f"shop-configuration:{name}:{configuration_version(request)}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ENTRY_TIMEOUT)
    return value
