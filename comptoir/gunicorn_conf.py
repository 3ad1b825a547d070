"""gunicorn settings of Comptoir: ``gunicorn -c python:comptoir.gunicorn_conf comptoir.wsgi``.

Used by ``./scripts/demo`` and by the production guide. Threaded workers (``gthread``): a
connection that sends nothing yet — a browser's spare (pre-)connection, a slow or half-open
client — waits in the worker's event loop (after at most a few seconds in a thread) instead of
holding a whole sync worker until gunicorn kills it (``WORKER TIMEOUT … no URI read``). Enough
threads per worker that a burst of idle connections cannot hold them all while they are
waited for. Behind a buffering reverse proxy (nginx, Caddy) the same settings hold.

Environment variables (all optional): ``WEB_BIND`` (default 127.0.0.1:8000), ``WEB_WORKERS``
(processes, default 2), ``WEB_THREADS`` (threads per process, default 32), ``WEB_TIMEOUT``
(seconds a request may run before its worker is restarted, default 30), ``WEB_ACCESS_LOG``
(file of the access log, default ``-``: standard output; empty: none).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("WEB_WORKERS", 2)
threads = _int("WEB_THREADS", 32)
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Every request on standard output, errors and worker restarts (WORKER TIMEOUT) on stderr.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = "warning"
