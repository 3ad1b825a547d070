"""``/healthz`` and ``/readyz``: JSON answers for a monitoring service or a load balancer.

Outside the language prefixes, no session, no CSRF token, a constant number of queries.

- ``/healthz``: the process answers and the database too (``SELECT 1``): 200, else 503.
- ``/readyz``: the same, plus the outbox (age of the oldest pending message, failed messages)
  and the task worker's last heartbeat: 503 when the worker has not been seen for 5 minutes or
  a message has waited more than 15 minutes. Failed messages are reported, not a 503: a refused
  address is the merchant's to fix, not a reason to take the shop off line.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("comptoir.health")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: database unreachable (%s)", error)
        connection.close_if_unusable_or_obsolete()
        return False
    return True


def _seconds(delta) -> int | None:
    return None if delta is None else max(int(delta.total_seconds()), 0)


@never_cache
@require_safe
def healthz(request):
    if not _database_ok():
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_safe
def readyz(request):
    from comptoir.notifications.health import outbox_health

    if not _database_ok():
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    try:
        health = outbox_health()
    except DatabaseError as error:
        logger.warning("Readiness check: database error (%s)", error)
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    problems = []
    if health.worker_unseen:
        problems.append("worker_unseen")
    if health.pending_stuck:
        problems.append("outbox_stuck")
    body = {
        "status": "error" if problems else "ok",
        "problems": problems,
        "database": "ok",
        "outbox": {
            "oldest_pending_seconds": _seconds(health.oldest_pending_age),
            "failed": health.failed_count,
        },
        "worker": {
            "last_heartbeat": health.worker_seen_at.isoformat() if health.worker_seen_at else None,
            "seconds_since_heartbeat": _seconds(
                None if health.worker_seen_at is None else health.now - health.worker_seen_at),
        },
    }
    return JsonResponse(body, status=503 if problems else 200)
