"""``manage.py run_worker``: the background worker (database task queue) plus the outbox sweep.

The sweep runs every ``--sweep-interval`` seconds in a side thread and enqueues again the
notifications whose delivery is overdue. In ``--batch`` mode it runs once, before the queue is
drained. Ctrl-C stops the worker cleanly (after the task in progress, if any).
"""

import logging
import os
import threading

from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from comptoir.notifications.delivery import sweep_stale_notifications

logger = logging.getLogger("comptoir.notifications")


class Command(DatabaseWorkerCommand):
    help = "Run the background worker: message delivery and the periodic outbox sweep."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval", type=float, default=60.0,
            help="Seconds between two sweeps of overdue notifications (default: %(default)s)",
        )

    def handle(self, *args, sweep_interval: float, **options):
        if options["batch"]:
            _sweep_once()
            return super().handle(*args, **options)
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the reloader's parent process runs no task
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_forever, args=(stop, sweep_interval), name="outbox-sweep", daemon=True
        )
        sweeper.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
            sweeper.join(timeout=5)


def _sweep_once() -> None:
    try:
        count = sweep_stale_notifications()
    except Exception:  # the sweep must never stop the worker; it tries again next time
        logger.exception("Outbox sweep failed")
    else:
        if count:
            logger.info("Outbox sweep: %s overdue notification(s) enqueued again", count)
    finally:
        close_old_connections()


def _sweep_forever(stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        _sweep_once()
