"""Periodic jobs, run by the task workers themselves: once per period across all of them.

Every ``manage.py run_worker`` calls ``run_due_jobs`` about every 30 seconds (unless started with
``--no-periodic`` or with ``PERIODIC_JOBS=false``). A job is due when its current period (every N
minutes, or each day at a time of the shop's time zone) has not been claimed yet. A worker claims
it with one conditional UPDATE of the job's ``PeriodicJob`` row (``period_start`` moved forward);
the database lets one UPDATE through and the others find the period already taken, on
PostgreSQL (the row lock, the condition read again after the wait) as on SQLite (one writer at a
time). So:

- each period is run once whatever the number of workers, and a job never runs twice at once;
- a run that failed (an exception) is run again at a tick at least ``RETRY_SECONDS`` after it
  started; one whose worker died (killed mid-run) is taken over once it has been running longer
  than the job's ``timeout``;
- only the current period is ever due: a worker that was down for days runs each job once when
  it comes back, not once per missed period (the jobs catch up by themselves: the reminders send
  the latest one due, the summaries rebuild 31 days).

The management commands (``reconcile_paypal``, ``housekeeping``, ``rebuild_daily_sales``,
``send_low_stock_alert``) still run the same work by hand or from a timer; each job is safe to
run again.
"""

import datetime
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.db.models import F, Q
from django.utils import timezone

from .models import PeriodicJob

logger = logging.getLogger("comptoir.periodic")

TICK_SECONDS = 30
RETRY_SECONDS = 60


@dataclass(frozen=True)
class Job:
    """``function(now)`` run every ``every``, or each day at ``daily_at`` (shop time zone)."""

    name: str
    function: Callable[[datetime.datetime], object]
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    enabled: Callable[[], bool] = lambda: True
    timeout: datetime.timedelta = datetime.timedelta(minutes=30)

    def __post_init__(self):
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give either every= or daily_at=")

    def period_start(self, now: datetime.datetime) -> datetime.datetime:
        """The scheduled moment of the period ``now`` falls in."""
        if self.every is not None:
            seconds = int(self.every.total_seconds())
            stamp = int(now.timestamp())
            return datetime.datetime.fromtimestamp(stamp - stamp % seconds, tz=datetime.UTC)
        zone = timezone.get_default_timezone()
        local = now.astimezone(zone)
        moment = datetime.datetime.combine(local.date(), self.daily_at, tzinfo=zone)
        if moment > local:
            moment = datetime.datetime.combine(local.date() - datetime.timedelta(days=1), self.daily_at,
                                               tzinfo=zone)
        return moment


JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    JOBS[job.name] = job
    return job


def run_due_jobs(now: datetime.datetime | None = None, *, jobs: list[Job] | None = None,
                 worker_id: str = "") -> list[str]:
    """Run the jobs whose current period nobody has claimed yet; returns the names of those this
    call ran (successfully or not)."""
    given = now
    jobs = list(JOBS.values()) if jobs is None else jobs
    known = PeriodicJob.objects.in_bulk([job.name for job in jobs])
    missing = [PeriodicJob(name=job.name) for job in jobs if job.name not in known]
    if missing:
        PeriodicJob.objects.bulk_create(missing, ignore_conflicts=True)
    ran = []
    for job in jobs:
        now = given or timezone.now()  # a job run before this one may have taken a while
        state = known.get(job.name)
        if state is not None and not _may_be_due(job, state, now):
            continue  # the usual case: no write at all
        if not job.enabled():
            continue
        if _claim(job, now, worker_id):
            _run(job, now)
            ran.append(job.name)
    return ran


def _may_be_due(job: Job, state: PeriodicJob, now: datetime.datetime) -> bool:
    if state.status == PeriodicJob.Status.RUNNING:
        return state.started_at < now - job.timeout  # its worker died, or it hangs
    key = job.period_start(now)
    return (state.period_start is None or state.period_start < key
            or state.status == PeriodicJob.Status.FAILED)


def _claim(job: Job, now: datetime.datetime, worker_id: str) -> bool:
    key = job.period_start(now)
    retry_before = now - datetime.timedelta(seconds=RETRY_SECONDS)
    return bool(
        PeriodicJob.objects.filter(name=job.name)
        .filter(
            ((Q(period_start__isnull=True) | Q(period_start__lt=key)) & ~Q(status=PeriodicJob.Status.RUNNING))
            | Q(period_start=key, status=PeriodicJob.Status.FAILED, started_at__lte=retry_before)
            | Q(status=PeriodicJob.Status.RUNNING, started_at__lt=now - job.timeout)
        )
        .update(period_start=key, status=PeriodicJob.Status.RUNNING, started_at=now,
                worker_id=worker_id[:64], runs=F("runs") + 1)
    )


def _run(job: Job, now: datetime.datetime) -> None:
    started = time.monotonic()
    try:
        result = job.function(now)
    except Exception as error:  # the job is retried; the worker goes on
        logger.exception("Periodic job %s failed", job.name)
        finished = now + datetime.timedelta(seconds=time.monotonic() - started)
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        _write_state(job.name, status=PeriodicJob.Status.FAILED, finished_at=finished,
                     failures=F("failures") + 1, last_error=detail[:2000])
        return
    finished = now + datetime.timedelta(seconds=time.monotonic() - started)
    _write_state(job.name, status=PeriodicJob.Status.DONE, finished_at=finished, succeeded_at=finished,
                 last_error="")
    logger.info("Periodic job %s done in %.1f s%s", job.name, time.monotonic() - started,
                f": {result}" if result not in (None, "", [], {}) else "")


def _write_state(name: str, *, attempts: int = 5, **fields) -> None:
    """Record the end of a run; a passing database error (a busy SQLite file, a lost connection)
    is tried again a few times, so that a job that has run is not left « running » (and run again
    after its timeout) for so little."""
    for attempt in range(attempts):
        try:
            PeriodicJob.objects.filter(name=name).update(**fields)
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            close_old_connections()
            time.sleep(0.2 * (attempt + 1))


# --- The shop's jobs -------------------------------------------------------------------------


def _paypal_configured() -> bool:
    return bool(settings.PAYPAL_CLIENT_ID and settings.PAYPAL_CLIENT_SECRET)


def reconcile_paypal(now):
    from comptoir.paypal.reconciliation import reconcile_pending_checkouts
    from comptoir.paypal.refunds import retry_pending_refunds

    outcomes = reconcile_pending_checkouts()
    outcomes.update({f"refund {status}": count for status, count in retry_pending_refunds().items()})
    return outcomes


def housekeeping(now):
    from .housekeeping import run_housekeeping

    return "; ".join(run_housekeeping(now=now).lines())


def daily_sales(now, days: int = 31):
    """The summaries of the 31 days ending yesterday (as ``manage.py rebuild_daily_sales``)."""
    from comptoir.reports.summaries import rebuild_daily_sales

    last = min(timezone.localdate(now), timezone.localdate()) - datetime.timedelta(days=1)
    for offset in range(days - 1, -1, -1):
        rebuild_daily_sales(last - datetime.timedelta(days=offset))
    return f"{days} days up to {last}"


def low_stock_alert(now):
    from comptoir.reports.services import send_low_stock_alert

    return len(send_low_stock_alert(now))


def payment_reminders(now):
    from comptoir.payments.reminders import run_reminders

    return run_reminders(now=now)


def unpaid_invoices_summary(now):
    from comptoir.payments.reminders import send_unpaid_summary

    return len(send_unpaid_summary(now=now))


register(Job("paypal_reconciliation", reconcile_paypal, every=datetime.timedelta(minutes=5),
             enabled=_paypal_configured, timeout=datetime.timedelta(minutes=10)))
register(Job("payment_reminders", payment_reminders, every=datetime.timedelta(hours=1)))
register(Job("daily_sales", daily_sales, daily_at=datetime.time(2, 0)))
register(Job("housekeeping", housekeeping, daily_at=datetime.time(3, 30)))
register(Job("low_stock_alert", low_stock_alert, daily_at=datetime.time(8, 0)))
register(Job("unpaid_invoices_summary", unpaid_invoices_summary, daily_at=datetime.time(8, 0)))
