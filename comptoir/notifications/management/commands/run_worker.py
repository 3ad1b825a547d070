"""``manage.py run_worker``: the background worker (database task queue) plus the outbox sweep.

The sweep runs every ``--sweep-interval`` seconds in a side thread: it enqueues again the
notifications whose delivery is overdue and the failed ones whose later attempt is due, recovers
the task rows left RUNNING by a worker that died, and records this worker's heartbeat (every
30 seconds, for ``/readyz`` and the back-office). In ``--batch`` mode it runs once, before the
queue is drained.

Another side thread runs the shop's periodic jobs (``comptoir.operations.periodic``: PayPal
reconciliation, payment reminders, daily summaries, housekeeping…) about every 30 seconds; each
period of each job is run by one worker of the whole installation. ``--no-periodic`` (or
``PERIODIC_JOBS=false``) leaves them to the other workers or to the management commands; not in
``--batch`` mode.

A database error (PostgreSQL restarting, connection lost, SQLite disk full) never stops the
worker: it is logged, the connection is closed and the loop starts again after 1, 2, 4 … 60
seconds (``comptoir.notifications.worker``). Ctrl-C stops the worker cleanly (after the task in
progress, if any).
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from comptoir.notifications import worker as resilience
from comptoir.notifications.delivery import retry_failed_notifications, sweep_stale_notifications

logger = logging.getLogger("comptoir.notifications")


class ResilientWorker(db_worker.Worker):
    """django_tasks_db's worker loop, run again after a database error instead of exiting."""

    def run(self) -> None:
        def loop():
            try:
                return super(ResilientWorker, self).run()
            finally:
                self.startup_delay = False  # the random start-up delay only once

        return resilience.run_resilient(loop, name="Task worker", keep_going=lambda: self.running)


class Command(DatabaseWorkerCommand):
    help = "Run the background worker: message delivery and the periodic outbox sweep."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval", type=float, default=60.0,
            help="Seconds between two sweeps of overdue notifications (default: %(default)s)",
        )
        parser.add_argument(
            "--no-periodic", action="store_false", dest="periodic",
            help="Do not run the periodic jobs in this worker (default: run them unless "
                 "PERIODIC_JOBS=false)",
        )

    def handle(self, *args, sweep_interval: float, periodic: bool = True, **options):
        if options["batch"]:
            _sweep_once(options["worker_id"])
            return self._run(*args, **options)
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return self._run(*args, **options)  # the reloader's parent process runs no task
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_forever, args=(stop, sweep_interval, options["worker_id"]),
            name="outbox-sweep", daemon=True,
        )
        sweeper.start()
        threads = [sweeper]
        if periodic and settings.PERIODIC_JOBS:
            scheduler = threading.Thread(
                target=_periodic_forever, args=(stop, options["worker_id"]), name="periodic-jobs",
                daemon=True,
            )
            scheduler.start()
            threads.append(scheduler)
        try:
            return self._run(*args, **options)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=5)

    def _run(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload,
             max_tasks, worker_id, exclude_queues, **options):
        """The parent command's ``handle`` (django_tasks_db 0.13), with the resilient worker."""
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process runs tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()


def _sweep_once(worker_id: str, *, started_at=None) -> None:
    try:
        resilience.beat(worker_id, started_at=started_at or timezone.now())
        count = sweep_stale_notifications()
        count += retry_failed_notifications()
        recovered = resilience.recover_stale_tasks()
        resilience.forget_old_workers()
    except resilience.DATABASE_ERRORS as error:
        # The database is away; the main loop reconnects and logs it too. Next sweep, next try.
        logger.warning("Outbox sweep: database error (%s: %s)", type(error).__name__, error)
        resilience.close_connections()
    except Exception:  # the sweep must never stop the worker; it tries again next time
        logger.exception("Outbox sweep failed")
    else:
        if count:
            logger.info("Outbox sweep: %s overdue notification(s) enqueued again", count)
        if recovered:
            logger.info("Outbox sweep: %s task(s) of a stopped worker recovered", recovered)
    finally:
        close_old_connections()


def _beat(worker_id: str, started_at) -> None:
    try:
        resilience.beat(worker_id, started_at=started_at)
    except resilience.DATABASE_ERRORS:
        resilience.close_connections()
    except Exception:
        logger.exception("Worker heartbeat failed")
    finally:
        close_old_connections()


def _sweep_forever(stop: threading.Event, interval: float, worker_id: str) -> None:
    started_at = timezone.now()
    _sweep_once(worker_id, started_at=started_at)
    next_sweep = time.monotonic() + interval
    while not stop.wait(min(resilience.HEARTBEAT_SECONDS, max(next_sweep - time.monotonic(), 0))):
        if time.monotonic() >= next_sweep:
            _sweep_once(worker_id, started_at=started_at)
            next_sweep = time.monotonic() + interval
        else:
            _beat(worker_id, started_at)


def _periodic_once(worker_id: str) -> None:
    from comptoir.operations.periodic import run_due_jobs

    try:
        run_due_jobs(worker_id=worker_id)
    except resilience.DATABASE_ERRORS as error:
        logger.warning("Periodic jobs: database error (%s: %s)", type(error).__name__, error)
        resilience.close_connections()
    except Exception:  # a job's own failure is recorded by run_due_jobs; this is anything else
        logger.exception("Periodic jobs failed")
    finally:
        close_old_connections()


def _periodic_forever(stop: threading.Event, worker_id: str) -> None:
    from comptoir.operations.periodic import TICK_SECONDS

    _periodic_once(worker_id)
    while not stop.wait(TICK_SECONDS):
        _periodic_once(worker_id)
