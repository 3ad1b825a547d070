"""``manage.py run_worker``: the background worker plus its periodic tick (outbox sweep, heartbeat).

The task queue is the database table (``TASKS_BACKEND=database``, the default: django-tasks-db's
worker) or Redis (``TASKS_BACKEND=rq``: an RQ worker on the queue, ``comptoir.notifications.rq_worker``).
Either way the same command runs, on as many nodes as wanted.

``_periodic_tick`` runs every ``--sweep-interval`` seconds in a side thread: it enqueues again the
notifications whose delivery is overdue and the failed ones whose later attempt is due, and the
PayPal webhook events whose processing is overdue; recovers the tasks left running by a worker
that died (task rows of the database queue, RQ jobs: their message or event is released and
enqueued again); and records this worker's heartbeat (also every 30 seconds between two
ticks, for ``/readyz``, ``/metrics`` and the back-office). In ``--batch`` mode it runs once, before
the queue is drained.

Another side thread runs the shop's periodic jobs (``comptoir.operations.periodic``: PayPal
reconciliation, payment reminders, daily summaries, housekeeping…) about every 30 seconds; each
period of each job is run by one worker of the whole installation. ``--no-periodic`` (or
``PERIODIC_JOBS=false``) leaves them to the other workers or to the management commands; not in
``--batch`` mode.

A database error (PostgreSQL restarting, connection lost, SQLite disk full) never stops the
worker: it is logged, the connection is closed and the loop starts again after 1, 2, 4 … 60
seconds (``comptoir.notifications.worker``); under RQ, so does a Redis error. Ctrl-C stops the
worker cleanly (after the task in progress, if any).
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
from redis.exceptions import RedisError

from comptoir.notifications import worker as resilience
from comptoir.notifications.delivery import retry_failed_notifications, sweep_stale_notifications
from comptoir.notifications.models import WorkerHeartbeat
from comptoir.paypal.webhooks import sweep_unprocessed_events

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
        if uses_rq():  # the parent's --backend accepts a database backend only
            parser._option_string_actions["--backend"].type = str
        parser.add_argument(
            "--sweep-interval", type=float, default=30.0,
            help="Seconds between two periodic ticks: sweep of overdue notifications and webhook "
                 "events (default: %(default)s)",
        )
        parser.add_argument(
            "--no-periodic", action="store_false", dest="periodic",
            help="Do not run the periodic jobs in this worker (default: run them unless "
                 "PERIODIC_JOBS=false)",
        )

    def handle(self, *args, sweep_interval: float, periodic: bool = True, **options):
        run = self._run_rq if uses_rq() else self._run
        if options["batch"]:
            _periodic_tick(options["worker_id"])
            return run(*args, **options)
        if not uses_rq() and options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
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
            return run(*args, **options)
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

    def _run_rq(self, *, verbosity, queue_name, batch, max_tasks, worker_id, **options):
        """An RQ worker on the queue(s) (``*``: every queue of ``RQ_QUEUES``)."""
        from comptoir.notifications import rq_worker

        queue_names = list(settings.RQ_QUEUES) if queue_name == "*" else queue_name.split(",")
        level = "DEBUG" if verbosity >= 2 else "WARNING" if verbosity == 0 else "INFO"
        rq_worker.run(queue_names, name=worker_id, burst=batch, max_jobs=max_tasks, logging_level=level)


def uses_rq() -> bool:
    return getattr(settings, "TASKS_BACKEND", "") == "rq"


def _periodic_tick(worker_id: str, *, started_at=None) -> None:
    """What every worker does every ``--sweep-interval`` seconds (and once before ``--batch``)."""
    started_at = started_at or timezone.now()
    try:
        resilience.beat(worker_id, started_at=started_at)
        count = sweep_stale_notifications()
        count += retry_failed_notifications()
        sweep_unprocessed_events()
        recovered = resilience.recover_stale_tasks()
        if uses_rq():
            recovered += recover_abandoned_rq_jobs(worker_id, started_at=started_at)
        resilience.forget_old_workers()
    except resilience.DATABASE_ERRORS as error:
        # The database is away; the main loop reconnects and logs it too. Next sweep, next try.
        logger.warning("Outbox sweep: database error (%s: %s)", type(error).__name__, error)
        resilience.close_connections()
    except RedisError as error:  # TASKS_BACKEND=rq and Redis away: the RQ worker waits for it too
        logger.warning("Outbox sweep: Redis error (%s: %s)", type(error).__name__, error)
    except Exception:  # the sweep must never stop the worker; it tries again next time
        logger.exception("Outbox sweep failed")
    else:
        if count:
            logger.info("Outbox sweep: %s overdue notification(s) enqueued again", count)
        if recovered:
            logger.info("Outbox sweep: %s task(s) of a stopped worker recovered", recovered)
    finally:
        close_old_connections()


def recover_abandoned_rq_jobs(worker_id: str, *, started_at) -> int:
    """Under RQ: the message or webhook event of a task whose worker stopped (killed, machine
    restarted) is released at once and its task enqueued again, as ``recover_stale_tasks`` does
    for the database queue, instead of waiting for the claim to expire (30 minutes for a
    message). A worker started again under the same ``--worker-id`` releases its own at its first
    tick; the others are released once their worker is unseen for 5 minutes."""
    from datetime import timedelta

    from comptoir.notifications import rq_worker
    from comptoir.notifications.delivery import release_claim
    from comptoir.paypal.webhooks import release_event

    release = {"comptoir.notifications.tasks.deliver_notification_task": release_claim,
               "comptoir.paypal.tasks.process_webhook_event_task": release_event}
    unseen = timezone.now() - timedelta(seconds=resilience.WORKER_UNSEEN_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=unseen).values_list("worker_id", flat=True))
    recovered = 0
    for job in rq_worker.abandoned_jobs(list(settings.RQ_QUEUES), own_name=worker_id, started_at=started_at,
                                        alive=alive):
        action = release.get(job.func_name)
        if action is not None and job.args and isinstance(job.args[0], int):
            recovered += bool(action(job.args[0]))
            logger.warning("Task %s was left running by a stopped worker (%s): recovered",
                           job.id, job.worker_name)
    return recovered


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
    _periodic_tick(worker_id, started_at=started_at)
    next_sweep = time.monotonic() + interval
    while not stop.wait(min(resilience.HEARTBEAT_SECONDS, max(next_sweep - time.monotonic(), 0))):
        if time.monotonic() >= next_sweep:
            _periodic_tick(worker_id, started_at=started_at)
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
