"""``./scripts/demo`` as a merchant runs it (SQLite in a temporary folder, free ports): idle
browser connections do not starve the web server, a real Chromium session leaves no worker
timeout, and a process that dies is started again while Ctrl-C still stops everything."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, seconds: float, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message() if callable(message) else message)


class Demo:
    """``./scripts/demo`` in a subprocess; its whole output goes to ``log``."""

    def __init__(self, var_dir: Path, *, database_url: str = ""):
        self.port = free_port()
        self.var_dir = var_dir
        self.log = var_dir / "demo.log"
        self.env = {
            **os.environ, "HOST": "127.0.0.1", "PORT": str(self.port),
            "PAYPAL_SIMULATOR_PORT": str(free_port()), "COMPTOIR_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url, "COMPTOIR_SKIP_INSTALL": "1",
            "COMPTOIR_VENV": sys.prefix, "PYTHONPATH": str(PROJECT_DIR), "PYTHONUNBUFFERED": "1",
        }
        for name in ("EMAIL_URL", "PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "SITE_URL", "DEBUG"):
            self.env.pop(name, None)
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def start(self) -> "Demo":
        with open(self.log, "w") as log:
            self.process = subprocess.Popen([str(PROJECT_DIR / "scripts" / "demo")], cwd=PROJECT_DIR,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: self.answers("/healthz") == 200 or self.process.poll() is not None,
                   seconds=600, message=lambda: f"the demo did not start:\n{self.output()}")
        assert self.process.poll() is None, self.output()
        return self

    def answers(self, path: str, timeout: float = 5) -> int | None:
        """The status code of GET ``path``, None when nothing answers within ``timeout``."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                status_line = sock.recv(64).split(b"\r\n", 1)[0]
        except OSError:
            return None
        match = re.match(rb"HTTP/1\.[01] (\d{3})", status_line)
        return int(match.group(1)) if match else None

    def pid_of(self, name: str) -> int:
        pids = re.findall(rf"    {re.escape(name)}[^\n]* \(pid (\d+)\)", self.output())
        return int(pids[-1])

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    demo = Demo(tmp_path_factory.mktemp("demo")).start()
    yield demo
    if demo.process.poll() is None:
        demo.stop()


def test_idle_connections_do_not_starve_the_web_server(demo):
    idle = [socket.create_connection(("127.0.0.1", demo.port), timeout=5) for _ in range(20)]
    try:
        time.sleep(0.5)  # let the server accept them all
        # A starved server answers after its workers are killed, 30 s later: 5 s is plenty.
        assert demo.answers("/fr/", timeout=5) == 200
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.browser
def test_a_chromium_session_leaves_no_worker_timeout(demo, page):
    from playwright.sync_api import expect

    started = time.monotonic()
    # Spare connections that send nothing, as Chromium opens before it needs them (headless
    # Chromium under test opens few by itself): they must not hold the server.
    spare = [socket.create_connection(("127.0.0.1", demo.port), timeout=5) for _ in range(6)]
    page.goto(f"{demo.url}/fr/")
    page.locator("main a[href*='/produit/']").first.click()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.get_by_role("heading", name="Votre panier").wait_for()
    page.get_by_role("link", name="Passer la commande").click()
    from comptoir.storefront.tests.helpers import fill_in_checkout_details

    fill_in_checkout_details(page)
    page.get_by_label("Cueillette en magasin").check()
    page.get_by_label("Chèque, mandat-poste ou virement").check()
    page.get_by_role("button", name="Vérifier ma commande").click()
    page.get_by_role("button", name="Confirmer ma commande").click()
    page.get_by_role("heading", name=re.compile(r"Merci de votre commande")).wait_for()

    page.goto(f"{demo.url}/fr/gestion/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("marchand")
    page.get_by_label("Mot de passe").fill("comptoir-demo")
    page.get_by_role("button", name="Se connecter").click()
    # The demo owner sets up two-factor sign-in at the first sign-in, as the README says.
    from base64 import b32decode

    from django_otp.oath import TOTP

    secret = page.locator(".two-factor-secret").inner_text().replace(" ", "")
    page.get_by_label("Code de vérification").fill(f"{TOTP(b32decode(secret)).token():06d}")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="J'ai conservé mes codes").click()
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    page.locator("nav.sidebar").get_by_role("link", name="Commandes", exact=True).click()
    page.locator("table a[href*='/gestion/commandes/']").first.click()
    page.get_by_role("link", name="Factures").first.click()
    page.get_by_role("link", name="Clients").first.click()
    page.get_by_role("link", name="Commandes").first.click()
    # The browser keeps its spare connections open; a sync worker holding one is killed after
    # gunicorn's 30-second timeout. Stay until then before reading the log.
    time.sleep(max(0.0, 35 - (time.monotonic() - started)))
    page.reload()
    expect(page.get_by_role("heading", name="Commandes", level=1)).to_be_visible()
    for sock in spare:
        sock.close()
    assert "WORKER TIMEOUT" not in demo.output()
    assert "Internal Server Error" not in demo.output()


def test_a_process_that_dies_is_started_again(demo):
    worker = demo.pid_of("task worker")
    os.killpg(worker, signal.SIGKILL)
    wait_until(lambda: demo.output().count("task worker (run_worker) (pid") >= 2, seconds=30,
               message=lambda: f"the worker was not started again:\n{demo.output()}")
    assert demo.pid_of("task worker") != worker
    assert re.search(r"task worker \(run_worker\) stopped \(exit code -9\): starting it again in \d+ s",
                     demo.output())
    assert demo.process.poll() is None
    assert demo.answers("/fr/") == 200

    web = demo.pid_of("web server")
    os.killpg(web, signal.SIGKILL)
    wait_until(lambda: demo.pid_of("web server") != web and demo.answers("/healthz") == 200,
               seconds=60, message=lambda: f"the web server was not started again:\n{demo.output()}")


def test_ctrl_c_stops_every_process(demo):
    pids = [demo.pid_of(name) for name in ("web server", "task worker", "PayPal simulator")]
    assert demo.stop() == 130
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)
    assert demo.answers("/healthz", timeout=2) is None
