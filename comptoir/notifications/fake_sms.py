"""A local SMS provider that follows Twilio's Messages API, for tests and demos.

    python -m comptoir.notifications.fake_sms --port 8025 [--account-sid AC… --auth-token …]

``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` with HTTP basic auth (AccountSid:token)
and form fields ``To``, ``From``, ``Body`` creates a message (201 and the Message resource as
JSON); errors come back as ``{"code", "message", "more_info", "status"}`` like the real API.
``GET …/Messages.json`` lists what was received. ``fail_next(n, status=503)`` makes the next
``n`` requests fail, to exercise retries.
"""

import argparse
import base64
import json
import re
import secrets
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

API_VERSION = "2010-04-01"
E164_RE = re.compile(r"^\+[1-9]\d{1,14}$")
MESSAGES_PATH_RE = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-zA-Z]+)/Messages\.json$")
MAX_BODY_LENGTH = 1600
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "fake-sms-token"


class FakeSMSProvider:
    """The server, its recorded messages and its failure switch (thread-safe)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0,
                 account_sid: str = DEFAULT_ACCOUNT_SID, auth_token: str = DEFAULT_AUTH_TOKEN):
        self.host, self.port = host, port
        self.account_sid, self.auth_token = account_sid, auth_token
        self.messages: list[dict] = []
        self.requests = 0
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "FakeSMSProvider":
        handler = type("Handler", (_Handler,), {"provider": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]  # keeps the same port across stop/start
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def fail_next(self, count: int = 1, *, status: int = 503) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def to(self, number: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == number]

    # --- called by the request handler ---------------------------------------------------
    def take_failure(self) -> int | None:
        with self._lock:
            self.requests += 1
            return self._failures.pop(0) if self._failures else None

    def create_message(self, fields: dict) -> dict:
        sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=False)
        body = fields["Body"]
        message = {
            "account_sid": self.account_sid, "api_version": API_VERSION, "body": body,
            "date_created": now, "date_sent": None, "date_updated": now,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": fields["From"], "messaging_service_sid": None, "num_media": "0",
            "num_segments": str(1 if len(body) <= 160 else -(-len(body) // 153)),
            "price": None, "price_unit": "USD", "sid": sid, "status": "queued",
            "subresource_uris": {"media": f"{self._messages_uri()[:-5]}/{sid}/Media.json"},
            "to": fields["To"], "uri": f"{self._messages_uri()[:-5]}/{sid}.json",
        }
        with self._lock:
            self.messages.append(message)
        return message

    def _messages_uri(self) -> str:
        return f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"

    def authorized(self, header: str, sid: str) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return sid == self.account_sid and secrets.compare_digest(header, f"Basic {expected}")


def error_body(status: int, code: int, message: str) -> dict:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def validate_message(fields: dict) -> tuple[int, str] | None:
    """The API's checks, with its error codes; None when the message can be created."""
    to, sender, body = fields.get("To", ""), fields.get("From", ""), fields.get("Body", "")
    if not to:
        return 21604, "A 'To' phone number is required."
    if not E164_RE.match(to):
        return 21211, f"The 'To' number {to} is not a valid phone number."
    if not sender:
        return 21603, "A 'From' phone number is required."
    if not E164_RE.match(sender):
        return 21212, f"The 'From' number {sender} is not a valid phone number."
    if not body.strip():
        return 21602, "Message body is required."
    if len(body) > MAX_BODY_LENGTH:
        return 21617, "The concatenated message body exceeds the 1600 character limit."
    return None


class _Handler(BaseHTTPRequestHandler):
    provider: FakeSMSProvider

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_POST(self):
        match = self._route()
        if match is None:
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        fields = {key: values[0] for key, values in raw.items()}
        problem = validate_message(fields)
        if problem is not None:
            return self._send(400, error_body(400, *problem))
        self._send(201, self.provider.create_message(fields))

    def do_GET(self):
        if self._route() is not None:
            self._send(200, {"messages": list(self.provider.messages), "page": 0,
                             "page_size": 50, "uri": self.path})

    def _route(self):
        """Common checks: failure switch, path, authentication. None when already answered."""
        failure = self.provider.take_failure()
        if failure is not None:
            self._send(failure, error_body(failure, 20500, "Service unavailable (simulated)."))
            return None
        match = MESSAGES_PATH_RE.match(self.path.split("?")[0])
        if match is None:
            self._send(404, error_body(404, 20404, f"The requested resource {self.path} was not found"))
            return None
        if not self.provider.authorized(self.headers.get("Authorization", ""), match["sid"]):
            self._send(401, error_body(401, 20003, "Authenticate"))
            return None
        return match

    def _send(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local Twilio-compatible SMS provider")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--account-sid", default=DEFAULT_ACCOUNT_SID)
    parser.add_argument("--auth-token", default=DEFAULT_AUTH_TOKEN)
    options = parser.parse_args(argv)
    provider = _PrintingProvider(host=options.host, port=options.port,
                                 account_sid=options.account_sid, auth_token=options.auth_token)
    provider.start()
    print(f"Fake SMS provider: SMS_API_BASE={provider.base_url} "  # noqa: T201
          f"SMS_ACCOUNT_SID={provider.account_sid} SMS_AUTH_TOKEN={provider.auth_token}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()


class _PrintingProvider(FakeSMSProvider):
    """On the command line, show each SMS as it arrives."""

    def create_message(self, fields: dict) -> dict:
        message = super().create_message(fields)
        print(f"SMS {message['sid']} to {message['to']}:\n{message['body']}\n", flush=True)  # noqa: T201
        return message


if __name__ == "__main__":
    main()
