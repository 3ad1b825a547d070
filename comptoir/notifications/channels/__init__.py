"""Delivery channels. Each one sends a rendered Notification and raises ``PermanentError`` (do
not retry: bad address, rejected by the provider) or ``RetryableError`` (server down, timeout)."""


class DeliveryError(Exception):
    retryable = True


class RetryableError(DeliveryError):
    retryable = True


class PermanentError(DeliveryError):
    retryable = False


def send(notification) -> str:
    """Send ``notification`` through its channel; returns the provider's reference (may be "")."""
    # Imported here so that a channel's dependencies load only when that channel is used.
    if notification.channel == "email":
        from .email import send_email

        return send_email(notification)
    if notification.channel == "sms":
        from .sms import send_sms

        return send_sms(notification)
    raise PermanentError(f"Unknown channel {notification.channel!r}")
