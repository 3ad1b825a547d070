"""The RQ worker that ``manage.py run_worker`` runs when ``TASKS_BACKEND=rq``.

RQ's ``SimpleWorker`` (each task runs in the worker's own process, like the database worker, so
the side thread that records the heartbeat and sweeps the outbox stays with it), given
django-tasks-rq's job class, with Django's database connections closed around each task (a
connection broken during one task is not handed to the next). The worker also runs RQ's
scheduler, which enqueues the deferred tasks (later attempts) when they are due; one worker per
queue holds its lock at a time.

Redis unreachable (stopped, restarting): RQ's loop waits and tries again by itself; if the
worker cannot start or its loop stops on a Redis error, :func:`run` starts it again after 1, 2,
4 … 60 seconds. A worker started again after a kill finds its name still registered in Redis:
it runs as ``<worker id>-1`` (``-2`` …) instead, and releases the tasks its previous life left
running (``abandoned_jobs``). Nothing is lost meanwhile: the outbox rows are in the database and the sweep
enqueues again the ones that are overdue.
"""

import logging
import time
from collections.abc import Callable
from datetime import UTC

from django.db import close_old_connections
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.worker import SimpleWorker

from .worker import BACKOFF_FIRST_SECONDS, backoff

logger = logging.getLogger("comptoir.notifications")

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)


class RQWorker(SimpleWorker):
    def execute_job(self, job, queue):
        close_old_connections()
        try:
            return super().execute_job(job, queue)
        finally:
            close_old_connections()


def run(queue_names: list[str], *, name: str, burst: bool, max_jobs: int | None, logging_level: str,
        keep_going: Callable[[], bool] = lambda: True, sleep: Callable[[float], None] = time.sleep) -> None:
    import django_rq
    from django_tasks_rq import Job

    delay = BACKOFF_FIRST_SECONDS
    attempt = 0
    while True:
        try:
            # A new name at each start: RQ refuses a name still registered by the previous attempt.
            worker = django_rq.get_worker(*queue_names, job_class=Job, worker_class=RQWorker,
                                          name=name if attempt == 0 else f"{name}-{attempt}")
            worker.work(burst=burst, with_scheduler=True, max_jobs=max_jobs, logging_level=logging_level)
            return
        except ValueError as error:
            if "active worker named" not in str(error):
                raise
            # The name is still registered by this worker's previous life (killed: RQ forgets it
            # after 7 minutes). Start under a new name; the same worker id for the heartbeat.
            logger.warning("Task worker: %s; starting as %s-%s", error, name, attempt + 1)
            attempt += 1
        except REDIS_ERRORS as error:
            if burst or not keep_going():
                raise
            logger.warning("Task worker: Redis unreachable (%s); trying again in %.0f s", error, delay)
            sleep(delay)
            delay = backoff(delay)
            attempt += 1


def abandoned_jobs(queue_names: list[str], *, own_name: str, started_at, alive: set[str]):
    """The jobs that RQ still counts as running but whose worker stopped: a job started before
    ``started_at`` (this process's start) by a worker named like this one (``own_name``, or
    ``own_name-N`` after a restart on a Redis error), or by a worker whose heartbeat is older than
    5 minutes (not in ``alive``). Each job is given once: it is marked in its meta data."""
    import django_rq
    from django_tasks_rq import Job
    from rq.exceptions import NoSuchJobError
    from rq.registry import StartedJobRegistry

    def worker_id(name: str) -> str:
        base, dash, attempt = (name or "").rpartition("-")
        return base if dash and attempt.isdigit() else (name or "")

    for queue_name in queue_names:
        queue = django_rq.get_queue(queue_name, job_class=Job)
        registry = StartedJobRegistry(queue=queue)
        for job_id in registry.get_job_ids(cleanup=False):
            try:
                job = Job.fetch(job_id, connection=queue.connection)
            except NoSuchJobError:
                continue
            owner = worker_id(job.worker_name)
            if owner == own_name:
                job_started = job.started_at
                if job_started is not None and job_started.tzinfo is None:
                    job_started = job_started.replace(tzinfo=UTC)
                if job_started is None or job_started >= started_at:
                    continue  # this process's own task in progress
            elif owner in alive:
                continue
            if job.meta.get("comptoir_released"):
                continue
            job.meta["comptoir_released"] = True
            job.save_meta()
            yield job
