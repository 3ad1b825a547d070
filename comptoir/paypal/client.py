"""A small client for PayPal's REST API: OAuth2 token, Orders v2, capture refunds, webhook
signature check.

Only requests PayPal makes idempotent are retried: GETs, the token request, and POSTs that carry
a ``PayPal-Request-Id`` (PayPal answers a repeated id with the result of the first request).
PayPal is never called while a database transaction is open: a slow answer must not hold locks,
and a rolled-back transaction cannot take back a call PayPal has already acted on.
"""

import logging
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

LIVE_API_BASE = "https://api-m.paypal.com"
SANDBOX_API_BASE = "https://api-m.sandbox.paypal.com"
RETRY_DELAYS = (0.2, 0.6)  # seconds before the 2nd and 3rd try of an idempotent request


class PayPalError(Exception):
    """PayPal did not do what was asked. ``retryable``: trying again later may work."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, issue: str = "", body=None):
        super().__init__(message)
        self.status = status
        self.issue = issue
        self.body = body or {}


class PayPalUnavailable(PayPalError):
    """Time-out, connection refused, 5xx or 429: nothing is known to have happened."""

    retryable = True


class PayPalRejected(PayPalError):
    """PayPal refused the request (4xx): the same request will be refused again."""


class PayPalNotConfigured(PayPalError):
    pass


def is_configured() -> bool:
    return bool(settings.PAYPAL_CLIENT_ID and settings.PAYPAL_CLIENT_SECRET)


def api_base() -> str:
    if settings.PAYPAL_API_BASE:
        return settings.PAYPAL_API_BASE.rstrip("/")
    return LIVE_API_BASE if settings.PAYPAL_MODE == "live" else SANDBOX_API_BASE


def checkout_origins() -> list[str]:
    """Where the payer approves a payment: the « Payer avec PayPal » form, once posted, is
    redirected there (the page's Content-Security-Policy must allow it in form-action)."""
    current = mode()
    if current == "simulator":
        parts = urlsplit(api_base())
        return [f"{parts.scheme}://{parts.netloc}"]
    return ["https://www.sandbox.paypal.com" if current == "sandbox" else "https://www.paypal.com"]


def mode() -> str:
    """« live », « sandbox » or « simulator » (any API base that is not PayPal's)."""
    host = urlsplit(api_base()).hostname or ""
    if not (host == "paypal.com" or host.endswith(".paypal.com")):
        return "simulator"
    return "sandbox" if "sandbox" in host else "live"


@dataclass(frozen=True)
class Capture:
    """A capture as PayPal reports it; ``amount`` is a Decimal, never a float."""

    id: str
    status: str
    amount: Decimal
    currency: str
    invoice_id: str
    custom_id: str

    @classmethod
    def from_resource(cls, resource: dict) -> "Capture":
        amount = resource.get("amount") or {}
        return cls(
            id=str(resource.get("id", "")),
            status=str(resource.get("status", "")),
            amount=Decimal(str(amount.get("value", "0"))),
            currency=str(amount.get("currency_code", "")),
            invoice_id=str(resource.get("invoice_id", "")),
            custom_id=str(resource.get("custom_id", "")),
        )


@dataclass(frozen=True)
class Refund:
    """A refund as PayPal reports it: COMPLETED, PENDING, FAILED or CANCELLED."""

    id: str
    status: str
    amount: Decimal
    currency: str
    custom_id: str

    @classmethod
    def from_resource(cls, resource: dict) -> "Refund":
        amount = resource.get("amount") or {}
        return cls(
            id=str(resource.get("id", "")),
            status=str(resource.get("status", "")),
            amount=Decimal(str(amount.get("value", "0"))),
            currency=str(amount.get("currency_code", "")),
            custom_id=str(resource.get("custom_id", "")),
        )


def captures_of(paypal_order: dict) -> list[Capture]:
    """Every capture listed in a PayPal order (create, get or capture response)."""
    captures = []
    for unit in paypal_order.get("purchase_units") or []:
        for resource in (unit.get("payments") or {}).get("captures") or []:
            resource = {"invoice_id": unit.get("invoice_id", ""), "custom_id": unit.get("custom_id", ""),
                        **resource}
            captures.append(Capture.from_resource(resource))
    return captures


def approve_url_of(paypal_order: dict) -> str:
    for link in paypal_order.get("links") or []:
        if link.get("rel") in ("approve", "payer-action"):
            return link["href"]
    return ""


_token_cache: dict[tuple, tuple[str, float]] = {}
_token_lock = threading.Lock()


class PayPalClient:
    def __init__(self, *, timeout: float | None = None):
        if not is_configured():
            raise PayPalNotConfigured("PayPal credentials are not configured")
        self.base = api_base()
        self.timeout = timeout or float(getattr(settings, "PAYPAL_TIMEOUT", 15))

    # --- Orders v2 -------------------------------------------------------------------------
    def create_order(self, *, amount: Decimal, currency: str, invoice_id: str, custom_id: str,
                     description: str, return_url: str, cancel_url: str, request_id: str,
                     locale: str = "fr-CA", brand_name: str = "") -> dict:
        body = {
            "intent": "CAPTURE",
            "purchase_units": [{
                "reference_id": invoice_id,
                "invoice_id": invoice_id,
                "custom_id": custom_id,
                "description": description[:127],
                "amount": {"currency_code": currency, "value": f"{amount:.2f}"},
            }],
            "application_context": {
                "brand_name": brand_name[:127], "locale": locale, "user_action": "PAY_NOW",
                "shipping_preference": "NO_SHIPPING", "return_url": return_url, "cancel_url": cancel_url,
            },
        }
        return self._request("POST", "/v2/checkout/orders", json=body, request_id=request_id)

    def get_order(self, paypal_order_id: str) -> dict:
        return self._request("GET", f"/v2/checkout/orders/{paypal_order_id}")

    def capture_order(self, paypal_order_id: str, *, request_id: str) -> dict:
        return self._request(
            "POST", f"/v2/checkout/orders/{paypal_order_id}/capture", json={}, request_id=request_id,
            headers={"Prefer": "return=representation"},
        )

    # --- Payments v2: refunds -------------------------------------------------------------
    def refund_capture(self, capture_id: str, *, amount: Decimal, currency: str, request_id: str,
                       invoice_id: str = "", custom_id: str = "", note_to_payer: str = "") -> "Refund":
        """Refund ``amount`` of a capture. The same ``request_id`` on every try: PayPal answers a
        repeated id with the refund it already made instead of refunding twice."""
        body = {"amount": {"currency_code": currency, "value": f"{amount:.2f}"}}
        if invoice_id:
            body["invoice_id"] = invoice_id[:127]
        if custom_id:
            body["custom_id"] = custom_id[:127]
        if note_to_payer:
            body["note_to_payer"] = note_to_payer[:255]
        answer = self._request("POST", f"/v2/payments/captures/{capture_id}/refund", json=body,
                               request_id=request_id, headers={"Prefer": "return=representation"})
        return Refund.from_resource(answer)

    def get_refund(self, refund_id: str) -> "Refund":
        return Refund.from_resource(self._request("GET", f"/v2/payments/refunds/{refund_id}"))

    # --- Webhooks -------------------------------------------------------------------------
    def verify_webhook_signature(self, *, headers: dict, event: dict, webhook_id: str) -> bool:
        body = {
            "auth_algo": headers["PAYPAL-AUTH-ALGO"],
            "cert_url": headers["PAYPAL-CERT-URL"],
            "transmission_id": headers["PAYPAL-TRANSMISSION-ID"],
            "transmission_sig": headers["PAYPAL-TRANSMISSION-SIG"],
            "transmission_time": headers["PAYPAL-TRANSMISSION-TIME"],
            "webhook_id": webhook_id,
            "webhook_event": event,
        }
        # Verification has no side effect at PayPal, so it may be retried.
        answer = self._request("POST", "/v1/notifications/verify-webhook-signature", json=body,
                               idempotent=True)
        return answer.get("verification_status") == "SUCCESS"

    # --- Plumbing -------------------------------------------------------------------------
    def access_token(self, *, refresh: bool = False) -> str:
        key = (self.base, settings.PAYPAL_CLIENT_ID)
        with _token_lock:
            cached = _token_cache.get(key)
            if cached and not refresh and cached[1] > time.monotonic():
                return cached[0]
        answer = self._send(
            "POST", "/v1/oauth2/token", idempotent=True, data={"grant_type": "client_credentials"},
            auth=(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET),
        )
        token = answer["access_token"]
        # Renew a minute early so a token never expires between the check and its use.
        expires_at = time.monotonic() + max(int(answer.get("expires_in", 0)) - 60, 30)
        with _token_lock:
            _token_cache[key] = (token, expires_at)
        return token

    def _request(self, method: str, path: str, *, json=None, request_id: str = "",
                 headers: dict | None = None, idempotent: bool | None = None) -> dict:
        headers = {**(headers or {})}
        if request_id:
            headers["PayPal-Request-Id"] = request_id
        if idempotent is None:
            idempotent = method == "GET" or bool(request_id)
        for attempt in range(2):
            headers["Authorization"] = f"Bearer {self.access_token(refresh=attempt > 0)}"
            try:
                return self._send(method, path, json=json, headers=headers, idempotent=idempotent)
            except PayPalRejected as error:
                if error.status != 401 or attempt:
                    raise  # a 401 once means the cached token expired early: get a new one
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, *, idempotent: bool, **kwargs) -> dict:
        ensure_no_transaction()
        tries = 1 + (len(RETRY_DELAYS) if idempotent else 0)
        for attempt in range(tries):
            try:
                return self._send_once(method, path, **kwargs)
            except PayPalUnavailable as error:
                if attempt + 1 >= tries:
                    raise
                logger.warning("PayPal %s %s failed (%s); retrying", method, path, error)
                time.sleep(RETRY_DELAYS[attempt])
        raise AssertionError("unreachable")

    def _send_once(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = httpx.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except httpx.TimeoutException as error:
            raise PayPalUnavailable(f"PayPal did not answer in time ({error})") from error
        except httpx.TransportError as error:
            raise PayPalUnavailable(f"PayPal is unreachable ({error})") from error
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = {"raw": response.text[:500]}
        if response.status_code < 400:
            return body
        details = body.get("details") or [{}]
        issue = str(details[0].get("issue") or body.get("name") or body.get("error") or "")
        message = f"PayPal answered {response.status_code} {issue}".strip()
        if response.status_code >= 500 or response.status_code == 429:
            raise PayPalUnavailable(message, status=response.status_code, issue=issue, body=body)
        raise PayPalRejected(message, status=response.status_code, issue=issue, body=body)


def ensure_no_transaction() -> None:
    """Refuse to call PayPal inside a transaction (a test's own wrapping transaction aside)."""
    open_blocks = [block for block in connection.atomic_blocks
                   if not getattr(block, "_from_testcase", False)]
    if connection.in_atomic_block and open_blocks:
        raise RuntimeError("PayPal must not be called inside a database transaction")
