"""``TASKS_BACKEND=rq``: the outbox delivered through Redis by ``manage.py run_worker`` (an RQ
worker), and no message lost when Redis stops or restarts empty (the outbox rows are what counts:
the worker's sweep enqueues them again).

Real parts: the Redis of the machine (database 6) or a private ``redis-server`` that the test
stops and starts, the RQ worker as a separate process, PostgreSQL (the worker reads the test
database), the SMTP server fixture.
"""

import os
import shutil
import signal
import subprocess
import time
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone

from comptoir.core.tests.webprocess import MANAGE, PROJECT_DIR, environment, free_port
from comptoir.notifications.models import Notification, WorkerHeartbeat

from .helpers import queue_test_email

SHARED_REDIS_URL = "redis://127.0.0.1:6379/6"


def use_rq(settings, url: str) -> None:
    """This process enqueues on RQ, as a web node with TASKS_BACKEND=rq does."""
    settings.TASKS_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def worker_environment(tmp_path, redis_url: str, smtp_server) -> dict:
    database = connection.settings_dict
    return environment(
        tmp_path, DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                               f"{database['NAME']}",
        TASKS_BACKEND="rq", REDIS_URL=redis_url, EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        EMAIL_TIMEOUT="5", LOG_LEVEL="INFO",
    )


class Worker:
    """``manage.py run_worker`` in its own process."""

    def __init__(self, env: dict, *extra: str):
        self.process = subprocess.Popen(
            [*MANAGE, "run_worker", "--no-reload", "--sweep-interval", "1", *extra], env=env,
            cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, start_new_session=True,  # its own group: a kill takes RQ's scheduler too
        )

    def kill(self) -> None:
        """Killed outright (SIGKILL), as by a crash or the machine going down."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> str:
        """Stops the worker; returns what it logged."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.stderr.read()


class PrivateRedis:
    """A ``redis-server`` of the test's own on a free port, without persistence: stopping and
    starting it again is a restart that lost every queued job."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed (apt-get install redis-server)"
            if os.environ.get("CI") == "true":
                pytest.fail(f"{message}; CI runs every Redis test", pytrace=False)
            pytest.skip(message)
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: _answers(client), seconds=10, message="redis-server did not start")
        return self

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _answers(client) -> bool:
    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


def wait_until(condition, *, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def sent(*notifications) -> bool:
    return all(Notification.objects.get(pk=n.pk).status == Notification.Status.SENT for n in notifications)


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(SHARED_REDIS_URL)
    if not _answers(client):
        pytest.fail("Redis does not answer on 127.0.0.1:6379 (.ci/run starts it)", pytrace=False)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_messages_are_delivered_through_rq_by_run_worker(settings, shared_redis, smtp_server, tmp_path):
    use_rq(settings, SHARED_REDIS_URL)
    first = queue_test_email(recipient="marie@example.test", key="rq:1")
    second = queue_test_email(recipient="luc@example.test", key="rq:2")
    # Enqueued on Redis at commit (no task row in the database).
    assert shared_redis.llen("rq:queue:default") == 2

    worker = Worker(worker_environment(tmp_path, SHARED_REDIS_URL, smtp_server), "--worker-id=rq-node-1")
    try:
        wait_until(lambda: sent(first, second), seconds=60, message="the RQ worker delivered nothing")
        wait_until(lambda: WorkerHeartbeat.objects.filter(worker_id="rq-node-1").exists(), seconds=10,
                   message="the RQ worker recorded no heartbeat")
    finally:
        log = worker.stop()
    assert sorted(str(message["To"]) for message in smtp_server.messages) == [
        "luc@example.test", "marie@example.test"], log
    assert shared_redis.llen("rq:queue:default") == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_message_is_lost_when_redis_stops_or_restarts_empty(settings, smtp_server, tmp_path):
    server = PrivateRedis().start()
    use_rq(settings, server.url)
    worker = None
    try:
        # 1. Queued in Redis, then Redis restarts empty: the job is gone.
        lost_in_restart = queue_test_email(recipient="a@example.test", key="outage:1")
        assert redis.Redis.from_url(server.url).llen("rq:queue:default") == 1
        server.stop()
        # 2. Queued while Redis is down: the enqueue fails after the commit (logged), the row stays.
        never_enqueued = queue_test_email(recipient="b@example.test", key="outage:2")
        server.start()
        assert redis.Redis.from_url(server.url).llen("rq:queue:default") == 0

        worker = Worker(worker_environment(tmp_path, server.url, smtp_server))
        # 3. Redis stops under the running worker, and a message is queued meanwhile.
        time.sleep(2)
        server.stop()
        during_outage = queue_test_email(recipient="c@example.test", key="outage:3")
        time.sleep(2)
        server.start()

        # Two minutes later (STALE_AFTER_SECONDS), the worker's sweep enqueues them again.
        rows = Notification.objects.filter(pk__in=[lost_in_restart.pk, never_enqueued.pk, during_outage.pk])
        assert set(rows.values_list("status", flat=True)) == {Notification.Status.PENDING}
        rows.update(created_at=timezone.now() - timedelta(minutes=3))
        try:
            wait_until(lambda: sent(lost_in_restart, never_enqueued, during_outage), seconds=90,
                       message="a message was lost with Redis")
        except AssertionError:
            log, worker = worker.stop(), None
            raise AssertionError(f"a message was lost with Redis; the worker logged:\n{log}") from None
    finally:
        log = worker.stop() if worker else ""
        server.stop()
    assert sorted(str(message["To"]) for message in smtp_server.messages) == [
        "a@example.test", "b@example.test", "c@example.test"], log


def test_the_rq_backend_without_redis_url_stops_the_start_up(tmp_path):
    env = environment(tmp_path, TASKS_BACKEND="rq")
    done = subprocess.run([*MANAGE, "check"], env=env, cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert "TASKS_BACKEND=rq needs REDIS_URL" in done.stderr


def test_the_rq_backend_passes_the_system_checks(tmp_path):
    env = environment(tmp_path, TASKS_BACKEND="rq", REDIS_URL=SHARED_REDIS_URL)
    done = subprocess.run([*MANAGE, "check"], env=env, cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr


class SlowSMTPHandler:
    """Takes 3 seconds to accept each message; tells when a message's DATA has arrived."""

    def __init__(self):
        import threading

        self.receiving = threading.Event()
        self.message_ids = []

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        from email import message_from_bytes, policy

        self.receiving.set()
        await asyncio.sleep(3)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.message_ids.append(str(message["Message-ID"]))
        return "250 Message accepted for delivery"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_is_relieved_when_it_starts_again(settings, shared_redis, tmp_path):
    """Without recovery the killed worker's claim would hold the message for 30 minutes."""
    from aiosmtpd.controller import Controller

    handler = SlowSMTPHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    use_rq(settings, SHARED_REDIS_URL)
    env = worker_environment(tmp_path, SHARED_REDIS_URL, smtp)
    try:
        message = queue_test_email(recipient="marie@example.test", key="crash:1")
        worker = Worker(env, "--worker-id=crashing")
        assert handler.receiving.wait(60), worker.stop()
        worker.kill()  # while the SMTP server has the message and has not answered yet
        message.refresh_from_db()
        assert message.status == Notification.Status.PENDING and message.next_attempt_at > timezone.now()

        worker = Worker(env, "--worker-id=crashing")  # started again, as its service would be
        try:
            wait_until(lambda: sent(message), seconds=30, message="the message waits for its claim")
        except AssertionError:
            log = worker.stop()
            raise AssertionError(f"the message waits for its claim; the worker logged:\n{log}") from None
        log = worker.stop()
    finally:
        smtp.stop()
    # Delivered; had the first attempt's copy been accepted before the kill, the second would
    # carry the same Message-ID (at-least-once delivery; mail programs show it once).
    assert handler.message_ids and len(set(handler.message_ids)) == 1, log
    assert "left running by a stopped worker" in log
