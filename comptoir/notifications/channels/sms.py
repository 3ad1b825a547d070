"""SMS channel: a Twilio-compatible REST API over HTTPS, or the console when no credentials are
set (a demo shop still shows every SMS on the order's timeline and in the worker's output)."""

import logging
import re

import httpx
from django.conf import settings

from . import PermanentError, RetryableError

logger = logging.getLogger("comptoir.notifications")

DEFAULT_API_BASE = "https://api.twilio.com"
E164_RE = re.compile(r"^\+[1-9]\d{7,14}$")
TIMEOUT_SECONDS = 10


def normalize_phone_number(value: str) -> str:
    """« 514 555-0142 » -> « +15145550142 » (North American numbers); E.164 stays as is.

    Returns the input unchanged when it cannot be understood, so the error shows on the row."""
    compact = re.sub(r"[\s().-]", "", value or "")
    if compact.startswith("+"):
        return compact
    digits = re.sub(r"\D", "", compact)
    if len(digits) == 10 and digits == compact:
        return f"+1{digits}"
    if len(digits) == 11 and digits.startswith("1") and digits == compact:
        return f"+{digits}"
    return value


def is_configured() -> bool:
    return bool(settings.SMS_ACCOUNT_SID and settings.SMS_AUTH_TOKEN and settings.SMS_FROM_NUMBER)


def send_sms(notification) -> str:
    recipient = normalize_phone_number(notification.recipient)
    if not E164_RE.match(recipient):
        raise PermanentError(f"Not a mobile number in international format: {notification.recipient!r}")
    if not is_configured():
        logger.info("SMS to %s (no SMS provider configured):\n%s", recipient, notification.body_text)
        return ""
    return _post_message(recipient, notification.body_text)


def _post_message(recipient: str, body: str) -> str:
    account_sid = settings.SMS_ACCOUNT_SID
    base = (settings.SMS_API_BASE or DEFAULT_API_BASE).rstrip("/")
    url = f"{base}/2010-04-01/Accounts/{account_sid}/Messages.json"
    data = {"To": recipient, "From": settings.SMS_FROM_NUMBER, "Body": body}
    try:
        response = httpx.post(
            url, data=data, auth=(account_sid, settings.SMS_AUTH_TOKEN), timeout=TIMEOUT_SECONDS
        )
    except httpx.HTTPError as error:  # connection refused, timeout, broken response
        raise RetryableError(f"{type(error).__name__}: {error}") from error
    if response.is_success:
        return _json(response).get("sid", "")
    detail = _error_detail(response)
    # 429 (too many requests) and 5xx are temporary; any other 4xx will fail the same way again.
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableError(detail)
    raise PermanentError(detail)


def _json(response: httpx.Response) -> dict:
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _error_detail(response: httpx.Response) -> str:
    payload = _json(response)
    code = payload.get("code", "")
    message = payload.get("message") or response.text[:200]
    return f"HTTP {response.status_code} {code}: {message}".replace(" :", ":")
