"""The task worker, the PayPal reconciliation loop and ``./scripts/demo`` outlive a PostgreSQL
restart: a private cluster (not the shared server) is stopped and started under them.

Marked ``postgres``: they run once, in the PostgreSQL run of the suite (they start their own
cluster either way, from the server binaries of the machine).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from comptoir.core.testing_postgres import PrivatePostgres

PROJECT_DIR = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def cluster():
    cluster = PrivatePostgres().start()
    cluster.create_database("comptoir")
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="module")
def cluster_env(cluster, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    env = {**os.environ, "DATABASE_URL": cluster.url(), "COMPTOIR_VAR_DIR": str(var_dir),
           "PYTHONPATH": str(PROJECT_DIR), "PYTHONUNBUFFERED": "1", "DEBUG": "false",
           "TASKS_BACKEND": "database", "LOG_LEVEL": "INFO"}
    env.pop("EMAIL_URL", None)
    manage("migrate", "--noinput", "-v", "0", env=env, timeout=600)
    return env


def manage(*arguments, env, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT_DIR / "manage.py"), *arguments], env=env,
                          check=True, timeout=timeout, capture_output=True, text=True, **kwargs)


def queue_emails(env, first: int, count: int) -> None:
    manage("shell", "-c", (
        "from comptoir.notifications.tests.helpers import queue_test_email\n"
        f"for n in range({first}, {first + count}):\n"
        "    queue_test_email(recipient=f'client{n}@example.test', key=f'restart:{n}')\n"
    ), env=env)


def wait_until(condition, *, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def test_the_same_worker_delivers_every_message_after_postgresql_restarts(
        cluster, cluster_env, smtp_server, tmp_path):
    env = {**cluster_env, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}"}
    log = tmp_path / "worker.log"
    with open(log, "w") as output:
        worker = subprocess.Popen(
            [sys.executable, str(PROJECT_DIR / "manage.py"), "run_worker", "--no-reload",
             "--interval=0.2", "--sweep-interval=1", "--no-startup-delay"],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    # PayPal credentials, so that each pass reads the database (no attempt to settle: no call).
    paypal_env = {**env, "PAYPAL_CLIENT_ID": "sim-client", "PAYPAL_CLIENT_SECRET": "sim-secret",
                  "PAYPAL_API_BASE": "http://127.0.0.1:9", "PAYPAL_MODE": "sandbox",
                  "PYTHONUNBUFFERED": "1"}  # its log is read while it runs
    reconcile_log = tmp_path / "reconcile.log"
    with open(reconcile_log, "w") as output:
        reconcile = subprocess.Popen(
            [sys.executable, str(PROJECT_DIR / "manage.py"), "reconcile_paypal", "--every", "1"],
            env=paypal_env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        queue_emails(env, 0, 5)
        wait_until(lambda: len(smtp_server.messages) >= 5, seconds=60,
                   message="the worker did not deliver the first messages")

        cluster.restart(down_for=3)  # the worker polls 5 times a second: it meets the outage
        queue_emails(env, 5, 5)
        cluster.restart()  # pg_ctl restart -m fast
        queue_emails(env, 10, 5)

        wait_until(lambda: len(smtp_server.messages) >= 15, seconds=90,
                   message=f"messages left undelivered after the restarts:\n{log.read_text()}")
        assert worker.poll() is None, log.read_text()  # the same process, never restarted
        assert reconcile.poll() is None
        recipients = sorted(str(message["To"]) for message in smtp_server.messages)
        assert recipients == sorted(f"client{n}@example.test" for n in range(15))
        assert "Task worker: database error" in log.read_text()
        # The reconciliation loop met the outage too, and goes on with its passes after it (it
        # waits a few seconds before reconnecting: the messages may all be out before that).
        wait_until(lambda: reconcile_log.read_text().rstrip().endswith("Nothing to reconcile."), seconds=30,
                   message=f"no reconciliation pass after the restarts:\n{reconcile_log.read_text()}")
    finally:
        for process in (worker, reconcile):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
    assert "PayPal reconciliation: database error" in reconcile_log.read_text()


def test_the_demo_on_postgresql_stays_up_through_three_restarts(cluster, tmp_path):
    from comptoir.core.tests.test_demo_server import Demo

    cluster.create_database("demo")
    demo = Demo(tmp_path, database_url=cluster.url("demo")).start()
    try:
        for _restart in range(3):
            cluster.stop()
            assert demo.answers("/healthz") == 503  # the process answers: the database does not
            cluster.start()
            wait_until(lambda: demo.answers("/healthz") == 200, seconds=60,
                       message=lambda: f"the shop did not come back:\n{demo.output()}")
        assert demo.process.poll() is None, demo.output()
        assert demo.answers("/fr/") == 200
        # The task worker (the same one, or started again by the demo) is seen again.
        wait_until(lambda: demo.answers("/readyz") == 200, seconds=90,
                   message=lambda: f"the worker was not seen after the restarts:\n{demo.output()}")
    finally:
        assert demo.stop() == 130
