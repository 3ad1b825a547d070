"""Real web processes for the tests that need more than one: ``manage.py runserver --noreload`` on
a free 127.0.0.1 port, over a database file of their own."""

import os
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx

PROJECT_DIR = Path(__file__).resolve().parents[3]
MANAGE = [sys.executable, str(PROJECT_DIR / "manage.py")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir: Path, **extra) -> dict:
    unset = ("DATABASE_URL", "REDIS_URL", "METRICS_TOKEN", "LOG_FORMAT", "DJANGO_SETTINGS_MODULE")
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env.update({"DATABASE_URL": f"sqlite:///{var_dir / 'shop.sqlite3'}", "COMPTOIR_VAR_DIR": str(var_dir),
                "DEBUG": "false", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(PROJECT_DIR),
                "TASKS_BACKEND": "immediate"})
    env.update(extra)
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([*MANAGE, *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return done.stdout


class WebProcess:
    def __init__(self, env: dict, *, threads: bool = False):
        """``threads``: answer several requests at once (one thread each), as gunicorn's threads do."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [*MANAGE, "runserver", f"127.0.0.1:{self.port}", "--noreload",
             *([] if threads else ["--nothreading"])],
            env=env, cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("the web process did not start")
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _FormFields(HTMLParser):
    """The fields of each POST form of a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.fields: dict[str, str] = {}
        self.in_form = False
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.in_form = True
            self.fields = {}
            self.forms.append(self.fields)
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            elif kind not in ("file", "submit", "button"):
                self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.fields):
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str, *, containing: str) -> dict[str, str]:
    """The fields of the page's POST form that has a field named ``containing``."""
    parser = _FormFields()
    parser.feed(html)
    return next(fields for fields in parser.forms if containing in fields)


# The key of the owner's authenticator app in these tests (owners sign in with a code).
TOTP_KEY = "3132333435363738393031323334353637383930"


def sign_in(client: httpx.Client, username: str, password: str) -> None:
    page = client.get("/fr/gestion/connexion/")
    fields = form_fields(page.text, containing="username")
    fields.update(username=username, password=password)
    response = client.post("/fr/gestion/connexion/", data=fields)
    assert response.status_code == 302, response.text[:2000]
    step = client.get("/fr/gestion/").headers.get("location", "")
    if "/connexion/code/" in step:  # owners give the code of their authenticator app
        from django_otp.oath import TOTP

        page = client.get(step)
        fields = form_fields(page.text, containing="code")
        fields["code"] = f"{TOTP(bytes.fromhex(TOTP_KEY)).token():06d}"
        response = client.post(step, data=fields)
        assert response.status_code == 302, response.text[:2000]
