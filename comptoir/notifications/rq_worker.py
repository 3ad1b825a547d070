"""The RQ worker that ``manage.py run_worker`` runs when ``TASKS_BACKEND=rq``.

RQ's ``SimpleWorker`` (each task runs in the worker's own process, like the database worker, so
the side thread that records the heartbeat and sweeps the outbox stays with it), given
django-tasks-rq's job class, with Django's database connections closed around each task (a
connection broken during one task is not handed to the next). The worker also runs RQ's
scheduler, which enqueues the deferred tasks (later attempts) when they are due; one worker per
queue holds its lock at a time.

Redis unreachable (stopped, restarting): RQ's loop waits and tries again by itself; if the
worker cannot start or its loop stops on a Redis error, :func:`run` starts it again after 1, 2,
4 … 60 seconds. Nothing is lost meanwhile: the outbox rows are in the database and the sweep
enqueues again the ones that are overdue.
"""

import logging
import time
from collections.abc import Callable

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
        except REDIS_ERRORS as error:
            if burst or not keep_going():
                raise
            logger.warning("Task worker: Redis unreachable (%s); trying again in %.0f s", error, delay)
            sleep(delay)
            delay = backoff(delay)
            attempt += 1
