"""The periodic jobs run by the workers: once per period across all of them."""

import datetime
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError

from comptoir.core.testing import run_together, split_outcomes
from comptoir.operations import periodic
from comptoir.operations.models import PeriodicJob
from comptoir.operations.periodic import Job, run_due_jobs

SHOP = ZoneInfo("America/Toronto")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHOP)


class Counter:
    def __init__(self, *, fail_times: int = 0, pause: float = 0.0):
        self.calls: list[datetime.datetime] = []
        self.fail_times = fail_times
        self.pause = pause
        self.lock = threading.Lock()

    def __call__(self, now):
        with self.lock:
            self.calls.append(now)
            failing = len(self.calls) <= self.fail_times
        time.sleep(self.pause)
        if failing:
            raise RuntimeError("the job broke")
        return "ok"


pytestmark = pytest.mark.django_db


def test_an_interval_job_runs_once_per_period():
    counter = Counter()
    job = Job("every_five", counter, every=datetime.timedelta(minutes=5))
    assert run_due_jobs(at(2, 10, 1), jobs=[job]) == ["every_five"]
    assert run_due_jobs(at(2, 10, 1), jobs=[job]) == []
    assert run_due_jobs(at(2, 10, 4), jobs=[job]) == []  # same period (10:00–10:05)
    assert run_due_jobs(at(2, 10, 5), jobs=[job]) == ["every_five"]
    assert len(counter.calls) == 2
    state = PeriodicJob.objects.get(name="every_five")
    assert state.status == PeriodicJob.Status.DONE and state.runs == 2 and state.succeeded_at is not None


def test_a_daily_job_runs_at_its_time_of_the_shop_and_once_after_days_of_downtime():
    counter = Counter()
    job = Job("nightly", counter, daily_at=datetime.time(2, 0))
    run_due_jobs(at(2, 2, 30), jobs=[job])
    assert run_due_jobs(at(3, 1, 59), jobs=[job]) == []  # before 02:00 shop time
    assert run_due_jobs(at(3, 2, 0), jobs=[job]) == ["nightly"]
    # The worker was down from the 3rd to the 9th: one run when it comes back, not six.
    assert run_due_jobs(at(9, 14, 0), jobs=[job]) == ["nightly"]
    assert run_due_jobs(at(9, 23, 0), jobs=[job]) == []
    assert counter.calls == [at(2, 2, 30), at(3, 2, 0), at(9, 14, 0)]
    # The period is the day at 02:00 in the shop's zone, across the change to summer time (8 March).
    assert PeriodicJob.objects.get(name="nightly").period_start == at(9, 2, 0)


def test_a_failed_run_is_tried_again_at_a_later_tick_then_not_again():
    counter = Counter(fail_times=1)
    job = Job("flaky", counter, daily_at=datetime.time(3, 30))
    assert run_due_jobs(at(4, 4, 0), jobs=[job]) == ["flaky"]
    state = PeriodicJob.objects.get(name="flaky")
    assert state.status == PeriodicJob.Status.FAILED and "the job broke" in state.last_error
    assert run_due_jobs(at(4, 4, 0), jobs=[job]) == []  # not at once
    assert run_due_jobs(at(4, 4, 1), jobs=[job]) == ["flaky"]  # the next tick a minute later
    assert run_due_jobs(at(4, 4, 2), jobs=[job]) == []
    state.refresh_from_db()
    assert (state.status, state.failures, state.runs, state.last_error) == (PeriodicJob.Status.DONE, 1, 2, "")
    assert len(counter.calls) == 2


def test_a_run_left_running_by_a_dead_worker_is_taken_over_after_its_timeout():
    counter = Counter()
    job = Job("long", counter, every=datetime.timedelta(hours=1), timeout=datetime.timedelta(minutes=20))
    PeriodicJob.objects.create(name="long", period_start=at(5, 9), status=PeriodicJob.Status.RUNNING,
                               started_at=at(5, 9, 0), worker_id="dead")
    assert run_due_jobs(at(5, 9, 15), jobs=[job]) == []  # perhaps still at work
    assert run_due_jobs(at(5, 9, 25), jobs=[job]) == ["long"]  # 25 minutes: its worker is gone
    assert run_due_jobs(at(5, 9, 40), jobs=[job]) == []
    assert counter.calls == [at(5, 9, 25)]


def test_a_running_job_is_not_started_again_before_its_timeout_even_in_a_new_period():
    counter = Counter()
    job = Job("slow", counter, every=datetime.timedelta(minutes=5), timeout=datetime.timedelta(minutes=20))
    PeriodicJob.objects.create(name="slow", period_start=at(5, 9, 0), status=PeriodicJob.Status.RUNNING,
                               started_at=at(5, 9, 0), worker_id="busy")
    assert run_due_jobs(at(5, 9, 10), jobs=[job]) == []
    assert run_due_jobs(at(5, 9, 21), jobs=[job]) == ["slow"]  # 21 minutes: its worker is gone
    assert counter.calls == [at(5, 9, 21)]


def test_a_disabled_job_does_not_run():
    counter = Counter()
    job = Job("off", counter, every=datetime.timedelta(minutes=5), enabled=lambda: False)
    assert run_due_jobs(at(2, 10), jobs=[job]) == []
    assert counter.calls == []


def test_the_shop_registers_its_jobs():
    jobs = periodic.JOBS
    assert jobs["paypal_reconciliation"].every == datetime.timedelta(minutes=5)
    assert jobs["payment_reminders"].every == datetime.timedelta(hours=1)
    for name in ("housekeeping", "daily_sales", "low_stock_alert", "unpaid_invoices_summary"):
        assert jobs[name].daily_at is not None


def test_the_shop_jobs_run_and_are_shown_in_the_metrics(client, settings):
    settings.PAYPAL_CLIENT_ID = settings.PAYPAL_CLIENT_SECRET = ""
    settings.METRICS_TOKEN = "metrics-secret-token"
    ran = run_due_jobs()
    assert "paypal_reconciliation" not in ran  # PayPal is not configured
    assert {"housekeeping", "daily_sales", "low_stock_alert", "payment_reminders",
            "unpaid_invoices_summary"} <= set(ran)
    assert not PeriodicJob.objects.filter(status=PeriodicJob.Status.FAILED).exists()
    assert run_due_jobs() == []
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-secret-token").content.decode()
    assert 'comptoir_periodic_job_last_success_timestamp_seconds{job="housekeeping"}' in body
    assert 'comptoir_periodic_job_failures_total{job="housekeeping"} 0.0' in body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("workers", [2, 4])
def test_concurrent_workers_run_each_job_once(workers, django_db_blocker):
    """Several workers tick at the same instant: each job runs once (PostgreSQL: real row locks;
    SQLite: one writer at a time)."""
    counters = {name: Counter(pause=0.2) for name in ("a", "b", "c")}
    jobs = [Job(name, counter, every=datetime.timedelta(minutes=5)) for name, counter in counters.items()]
    now = at(6, 12, 0)

    def worker(index: int) -> list[str]:
        ran = []
        for _tick in range(20):
            try:
                ran += run_due_jobs(now, jobs=jobs, worker_id=f"w{index}")
                return ran
            except OperationalError as error:
                # SQLite's shared in-memory test database answers « table is locked » instead of
                # waiting like the shop's database file does; the worker's next tick goes on.
                assert "locked" in str(error)
                time.sleep(0.05)
        return ran

    outcomes = run_together(workers, worker)
    results, errors = split_outcomes(outcomes)
    assert errors == []
    assert sorted(name for result in results for name in result) == ["a", "b", "c"]
    assert [len(counter.calls) for counter in counters.values()] == [1, 1, 1]
    assert set(PeriodicJob.objects.values_list("status", flat=True)) == {PeriodicJob.Status.DONE}
