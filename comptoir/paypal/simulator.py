"""A local PayPal simulator for development and tests (in-memory, standard library only).

    python -m comptoir.paypal.simulator --port 8765 [--webhook-url URL]

then run Comptoir with PAYPAL_API_BASE=http://127.0.0.1:8765, PAYPAL_CLIENT_ID=sim-client,
PAYPAL_CLIENT_SECRET=sim-secret, PAYPAL_WEBHOOK_ID=WH-SIMULATOR.

It follows PayPal's documented shapes for what Comptoir uses: OAuth2 client-credentials token,
Orders v2 (create with ``PayPal-Request-Id`` idempotency, get, capture), capture refunds, and
webhook signature verification. The payer approves or cancels on a page clearly labelled
« Mode test — simulateur PayPal »; the card fields there go nowhere (Comptoir never sees them).
Webhooks are signed with an HMAC that only this simulator can check, so ``sign_event`` gives
tests valid signatures and anything else is refused.

Test modes (``POST /_simulator/mode`` with {"mode": ..., "delay": seconds}, or ``state.mode``):
``normal``; ``slow`` (every API answer waits ``delay`` seconds); ``fail`` (every API call
answers 500); ``decline`` (captures are declined with INSTRUMENT_DECLINED); ``refund_pending``
and ``refund_fail`` (refunds answer PENDING or FAILED; ``complete_refund`` completes a pending one).
"""

import argparse
import base64
import hashlib
import hmac
import html
import itertools
import json
import secrets
import threading
import time
import zlib
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

CLIENT_ID = "sim-client"
CLIENT_SECRET = "sim-secret"
WEBHOOK_ID = "WH-SIMULATOR"
AUTH_ALGO = "SHA256withRSA"  # the label PayPal sends; the simulator really uses an HMAC


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SimulatorState:
    """Everything the simulator knows; shared by the request threads under one lock."""

    def __init__(self):
        self.lock = threading.RLock()
        self.secret = secrets.token_bytes(32)
        self.tokens: set[str] = set()
        self.orders: dict[str, dict] = {}
        self.captures: dict[str, str] = {}  # capture id -> order id
        self.refunds: dict[str, dict] = {}  # refund id -> refund (with its capture id)
        self.idempotent: dict[tuple, tuple[int, dict]] = {}  # (path, request id) -> answer
        self.mode = "normal"
        self.delay = 0.0
        self.webhook_url = ""
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API call
        self._ids = itertools.count(1)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}{secrets.token_hex(4).upper()}"

    # --- Webhook signatures ---------------------------------------------------------------
    def signature(self, transmission_id: str, transmission_time: str, webhook_id: str,
                  event: dict) -> str:
        # PayPal signs "<transmission id>|<time>|<webhook id>|<crc32 of the body>"; the body is
        # canonical JSON here so that the verify call, which receives it parsed, can recompute it.
        crc = zlib.crc32(canonical_json(event))
        message = f"{transmission_id}|{transmission_time}|{webhook_id}|{crc}".encode()
        return base64.b64encode(hmac.new(self.secret, message, hashlib.sha256).digest()).decode()

    def sign_event(self, event: dict, *, base_url: str, webhook_id: str = WEBHOOK_ID) -> dict:
        """The headers PayPal would send with ``event``."""
        transmission_id = self.new_id("TX")
        transmission_time = _now()
        return {
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-TIME": transmission_time,
            "PAYPAL-TRANSMISSION-SIG": self.signature(transmission_id, transmission_time,
                                                      webhook_id, event),
            "PAYPAL-CERT-URL": f"{base_url}/v1/notifications/certs/CERT-SIMULATOR",
            "PAYPAL-AUTH-ALGO": AUTH_ALGO,
        }


def canonical_json(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def make_event(event_type: str, resource: dict, *, resource_type: str = "capture") -> dict:
    return {
        "id": "WH-" + secrets.token_hex(8).upper(),
        "event_version": "1.0",
        "create_time": _now(),
        "resource_type": resource_type,
        "event_type": event_type,
        "summary": event_type,
        "resource": resource,
    }


class Handler(BaseHTTPRequestHandler):
    server_version = "PayPalSimulator/1.0"
    state: SimulatorState  # set on the subclass made by ``make_server``

    def log_message(self, format, *args):  # keep test output quiet
        pass

    # --- Routing --------------------------------------------------------------------------
    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def _route(self, method: str):
        url = urlsplit(self.path)
        path = url.path.rstrip("/")
        body = self._read_body()
        if path == "/checkoutnow" and method == "GET":
            return self._approval_page(parse_qs(url.query).get("token", [""])[0])
        if path == "/checkoutnow" and method == "POST":
            return self._approval_answer(parse_qs(body.decode()))
        if path == "/_simulator/mode" and method == "POST":
            data = json.loads(body or b"{}")
            self.state.mode, self.state.delay = data.get("mode", "normal"), float(data.get("delay", 0))
            return self._json(200, {"mode": self.state.mode})
        with self.state.lock:
            self.state.requests.append((method, path))
        if self.state.mode == "slow":
            time.sleep(self.state.delay)
        if self.state.mode == "fail":
            return self._json(500, {"name": "INTERNAL_SERVER_ERROR", "message": "Simulated outage"})
        if path == "/v1/oauth2/token" and method == "POST":
            return self._token()
        if not self._authorized():
            return self._json(401, {"error": "invalid_token"})
        self._api(method, path, body)

    def _api(self, method: str, path: str, body: bytes):
        parts = path.strip("/").split("/")
        data = json.loads(body) if body else {}
        if path == "/v2/checkout/orders" and method == "POST":
            return self._idempotent(path, lambda: self._create_order(data))
        if parts[:3] == ["v2", "checkout", "orders"] and len(parts) == 4 and method == "GET":
            return self._get_order(parts[3])
        if parts[:3] == ["v2", "checkout", "orders"] and parts[4:] == ["capture"] and method == "POST":
            return self._idempotent(path, lambda: self._capture(parts[3]))
        if parts[:3] == ["v2", "payments", "captures"] and parts[4:] == ["refund"] and method == "POST":
            return self._idempotent(path, lambda: self._refund(parts[3], data))
        if parts[:3] == ["v2", "payments", "refunds"] and len(parts) == 4 and method == "GET":
            return self._get_refund(parts[3])
        if path == "/v1/notifications/verify-webhook-signature" and method == "POST":
            return self._verify(data)
        self._json(404, {"name": "RESOURCE_NOT_FOUND", "details": [{"issue": "INVALID_RESOURCE_ID"}]})

    # --- API ------------------------------------------------------------------------------
    def _token(self):
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if self.headers.get("Authorization", "") != f"Basic {expected}":
            return self._json(401, {"error": "invalid_client"})
        token = "A21AA" + secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens.add(token)
        self._json(200, {"scope": "https://uri.paypal.com/services/payments/payment",
                         "access_token": token, "token_type": "Bearer", "app_id": "APP-SIMULATOR",
                         "expires_in": 32400, "nonce": secrets.token_hex(8)})

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.state.tokens

    def _idempotent(self, path: str, action):
        request_id = self.headers.get("PayPal-Request-Id", "")
        key = (path, request_id)
        with self.state.lock:
            if request_id and key in self.state.idempotent:
                return self._json(*self.state.idempotent[key])
            status, answer = action()
            if request_id and status < 500:
                self.state.idempotent[key] = (status, answer)
        self._json(status, answer)

    def _create_order(self, data: dict):
        units = data.get("purchase_units") or []
        amount = (units[0].get("amount") or {}) if units else {}
        if data.get("intent") != "CAPTURE" or not amount.get("value") or not amount.get("currency_code"):
            return 400, {"name": "INVALID_REQUEST", "details": [{"issue": "MISSING_REQUIRED_PARAMETER"}]}
        order_id = self.state.new_id("SIM")
        context = data.get("application_context") or {}
        unit = {key: units[0].get(key, "") for key in ("reference_id", "invoice_id", "custom_id",
                                                        "description")}
        order = {"id": order_id, "intent": "CAPTURE", "status": "CREATED", "create_time": _now(),
                 "purchase_units": [{**unit, "amount": dict(amount)}],
                 "_return_url": context.get("return_url", ""), "_cancel_url": context.get("cancel_url", ""),
                 "_brand_name": context.get("brand_name", "")}
        self.state.orders[order_id] = order
        return 201, self._public(order)

    def _get_order(self, order_id: str):
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None:
                return self._json(404, {"name": "RESOURCE_NOT_FOUND",
                                        "details": [{"issue": "INVALID_RESOURCE_ID"}]})
            self._json(200, self._public(order))

    def _capture(self, order_id: str):
        order = self.state.orders.get(order_id)
        if order is None:
            return 404, {"name": "RESOURCE_NOT_FOUND", "details": [{"issue": "INVALID_RESOURCE_ID"}]}
        if order["status"] == "COMPLETED":
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "ORDER_ALREADY_CAPTURED"}]}
        if order["status"] != "APPROVED":
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "ORDER_NOT_APPROVED"}]}
        if self.state.mode == "decline":
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "INSTRUMENT_DECLINED"}]}
        unit = order["purchase_units"][0]
        capture = {"id": self.state.new_id("CAP"), "status": "COMPLETED", "amount": dict(unit["amount"]),
                   "invoice_id": unit["invoice_id"], "custom_id": unit["custom_id"],
                   "final_capture": True, "create_time": _now(), "update_time": _now(),
                   "supplementary_data": {"related_ids": {"order_id": order_id}}}
        unit["payments"] = {"captures": [capture]}
        order["status"] = "COMPLETED"
        self.state.captures[capture["id"]] = order_id
        self._send_webhook_later("PAYMENT.CAPTURE.COMPLETED", dict(capture))
        return 201, self._public(order)

    def _refund(self, capture_id: str, data: dict):
        """POST /v2/payments/captures/{id}/refund: whole capture without ``amount``, else partial;
        refuses more than what remains unrefunded (422 REFUND_AMOUNT_EXCEEDED)."""
        order = self.state.orders.get(self.state.captures.get(capture_id, ""))
        if order is None:
            return 404, {"name": "RESOURCE_NOT_FOUND", "details": [{"issue": "INVALID_RESOURCE_ID"}]}
        capture = order["purchase_units"][0]["payments"]["captures"][0]
        captured = Decimal(capture["amount"]["value"])
        refunded = sum((Decimal(r["amount"]["value"]) for r in self.state.refunds.values()
                        if r["_capture_id"] == capture_id and r["status"] in ("COMPLETED", "PENDING")),
                       Decimal("0"))
        remaining = captured - refunded
        if remaining <= 0:
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "CAPTURE_FULLY_REFUNDED"}]}
        amount = data.get("amount") or {"value": f"{remaining:.2f}",
                                         "currency_code": capture["amount"]["currency_code"]}
        try:
            value = Decimal(str(amount.get("value")))
        except (ArithmeticError, ValueError):
            value = Decimal("-1")
        if value <= 0 or value != value.quantize(Decimal("0.01")):
            return 400, {"name": "INVALID_REQUEST", "details": [{"issue": "INVALID_PARAMETER_VALUE"}]}
        if amount.get("currency_code") != capture["amount"]["currency_code"]:
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "CURRENCY_MISMATCH"}]}
        if value > remaining:
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "REFUND_AMOUNT_EXCEEDED"}]}
        status = {"refund_pending": "PENDING", "refund_fail": "FAILED"}.get(self.state.mode, "COMPLETED")
        refund = {"id": self.state.new_id("REF"), "status": status,
                  "amount": {"value": f"{value:.2f}", "currency_code": amount["currency_code"]},
                  "invoice_id": data.get("invoice_id") or capture["invoice_id"],
                  "custom_id": data.get("custom_id") or capture["custom_id"],
                  "note_to_payer": data.get("note_to_payer", ""),
                  "create_time": _now(), "update_time": _now(), "_capture_id": capture_id,
                  "links": [{"rel": "self", "method": "GET", "href": ""},
                            {"rel": "up", "method": "GET",
                             "href": f"{self._base_url()}/v2/payments/captures/{capture_id}"}]}
        refund["links"][0]["href"] = f"{self._base_url()}/v2/payments/refunds/{refund['id']}"
        if status == "PENDING":
            refund["status_details"] = {"reason": "ECHECK"}
        self.state.refunds[refund["id"]] = refund
        if status != "FAILED":
            full = value == remaining
            capture["status"] = "REFUNDED" if full else "PARTIALLY_REFUNDED"
        if status == "COMPLETED":
            self._send_webhook_later("PAYMENT.CAPTURE.REFUNDED", self._public_refund(refund),
                                     resource_type="refund")
        return 201, self._public_refund(refund)

    def _get_refund(self, refund_id: str):
        with self.state.lock:
            refund = self.state.refunds.get(refund_id)
            if refund is None:
                return self._json(404, {"name": "RESOURCE_NOT_FOUND",
                                        "details": [{"issue": "INVALID_RESOURCE_ID"}]})
            self._json(200, self._public_refund(refund))

    @staticmethod
    def _public_refund(refund: dict) -> dict:
        return json.loads(json.dumps({k: v for k, v in refund.items() if not k.startswith("_")}))

    def _verify(self, data: dict):
        try:
            expected = self.state.signature(data["transmission_id"], data["transmission_time"],
                                            data["webhook_id"], data["webhook_event"])
            valid = hmac.compare_digest(expected, data["transmission_sig"])
        except (KeyError, TypeError):
            return self._json(400, {"name": "VALIDATION_ERROR",
                                    "details": [{"issue": "MISSING_REQUIRED_PARAMETER"}]})
        self._json(200, {"verification_status": "SUCCESS" if valid else "FAILURE"})

    # --- Approval page (what the payer sees on PayPal) ------------------------------------
    def _approval_page(self, order_id: str):
        order = self.state.orders.get(order_id)
        if order is None:
            return self._html(404, "<p>Commande PayPal introuvable.</p>")
        unit = order["purchase_units"][0]
        amount = html.escape(f"{unit['amount']['value']} {unit['amount']['currency_code']}")
        token = html.escape(order_id)
        self._html(200, f"""
<h1>Mode test — simulateur PayPal</h1>
<p class="notice">Aucun paiement réel : cette page simule PayPal. / Test mode: no real payment.</p>
<p>{html.escape(order["_brand_name"])} — {html.escape(unit['description'])}</p>
<p>Montant : <strong id="amount">{amount}</strong></p>
<form method="post" action="/checkoutnow">
  <input type="hidden" name="token" value="{token}">
  <label>Numéro de carte (test) <input name="card" autocomplete="off" value="4111 1111 1111 1111"></label>
  <button name="action" value="approve">Approuver le paiement</button>
  <button name="action" value="cancel">Annuler et retourner à la boutique</button>
</form>""")

    def _approval_answer(self, form: dict):
        order_id = form.get("token", [""])[0]
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None:
                return self._html(404, "<p>Commande PayPal introuvable.</p>")
            if form.get("action", [""])[0] == "approve":
                if order["status"] == "CREATED":
                    order["status"] = "APPROVED"
                    self._send_webhook_later("CHECKOUT.ORDER.APPROVED", self._public(order),
                                             resource_type="checkout-order")
                target = order["_return_url"]
                query = {"token": order_id, "PayerID": "SIMPAYER01"}
            else:
                target, query = order["_cancel_url"], {"token": order_id}
        separator = "&" if "?" in target else "?"
        self.send_response(303)
        self.send_header("Location", f"{target}{separator}{urlencode(query)}")
        self.end_headers()

    # --- Helpers --------------------------------------------------------------------------
    def _public(self, order: dict) -> dict:
        public = json.loads(json.dumps({k: v for k, v in order.items() if not k.startswith("_")}))
        base = self._base_url()
        public["links"] = [
            {"href": f"{base}/v2/checkout/orders/{order['id']}", "rel": "self", "method": "GET"},
            {"href": f"{base}/checkoutnow?token={order['id']}", "rel": "approve", "method": "GET"},
            {"href": f"{base}/v2/checkout/orders/{order['id']}/capture", "rel": "capture",
             "method": "POST"},
        ]
        return public

    def _base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _send_webhook_later(self, event_type: str, resource: dict, resource_type: str = "capture"):
        if not self.state.webhook_url:
            return
        event = make_event(event_type, resource, resource_type=resource_type)
        headers = self.state.sign_event(event, base_url=self._base_url())
        url = self.state.webhook_url

        def deliver():
            time.sleep(0.2)  # PayPal posts webhooks shortly after, not during, the API call
            try:
                httpx.post(url, content=json.dumps(event), timeout=10,
                           headers={**headers, "Content-Type": "application/json"})
            except httpx.HTTPError:
                pass  # PayPal would retry later; tests cover retries by posting events themselves

        threading.Thread(target=deliver, daemon=True).start()

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json(self, status: int, data: dict):
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Paypal-Debug-Id", secrets.token_hex(6))
        self.end_headers()
        self.wfile.write(payload)

    def _html(self, status: int, content: str):
        page = ("<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
                "<title>Mode test — simulateur PayPal</title><style>body{font-family:sans-serif;"
                "max-width:40rem;margin:2rem auto}.notice{background:#fff3cd;padding:.5rem}</style>"
                f"</head><body>{content}</body></html>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


class Simulator:
    """A running simulator (``start()`` serves it in a thread)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, webhook_url: str = ""):
        self.state = SimulatorState()
        self.state.webhook_url = webhook_url
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "Simulator":
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set_mode(self, mode: str, delay: float = 0.0) -> None:
        self.state.mode, self.state.delay = mode, delay

    def sign_event(self, event: dict, webhook_id: str = WEBHOOK_ID) -> dict:
        return self.state.sign_event(event, base_url=self.base_url, webhook_id=webhook_id)

    def approve(self, order_id: str) -> str:
        """Approve as the payer would; returns the URL PayPal sends the payer back to."""
        answer = httpx.post(f"{self.base_url}/checkoutnow", data={"token": order_id, "action": "approve"})
        return answer.headers["Location"]

    def order(self, order_id: str) -> dict:
        return self.state.orders[order_id]

    def refunds_of(self, capture_id: str) -> list[dict]:
        with self.state.lock:
            return [dict(r) for r in self.state.refunds.values() if r["_capture_id"] == capture_id]

    def complete_refund(self, refund_id: str) -> None:
        """A pending refund clears at PayPal (the eCheck funded): later GETs say COMPLETED."""
        with self.state.lock:
            self.state.refunds[refund_id]["status"] = "COMPLETED"
            self.state.refunds[refund_id].pop("status_details", None)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local PayPal simulator (test mode).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--webhook-url", default="", help="where to POST signed webhook events")
    args = parser.parse_args(argv)
    simulator = Simulator(args.host, args.port, webhook_url=args.webhook_url)
    print(f"PayPal simulator on {simulator.base_url} (client id {CLIENT_ID!r}, "
          f"secret {CLIENT_SECRET!r}, webhook id {WEBHOOK_ID!r}); Ctrl-C stops it.")
    try:
        simulator.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.server.server_close()


if __name__ == "__main__":
    main()
