"""Email channel: Django's mail API (SMTP settings come from EMAIL_URL; console without it)."""

import contextlib
import hashlib
import smtplib
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection

from . import PermanentError, RetryableError


def build_message(notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=_sender(notification),
        to=[notification.recipient],
        reply_to=[notification.reply_to] if notification.reply_to else None,
        headers={"Message-ID": message_id(notification)},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments or []:
        message.attach(attachment["filename"], _read(attachment["path"]), attachment["content_type"])
    return message


def send_email(notification) -> str:
    try:
        message = build_message(notification)
        message.message()  # builds the MIME message: a malformed address fails here, for good
    except (ValueError, UnicodeError) as error:
        raise PermanentError(f"Invalid message: {error}") from error
    connection = get_connection(fail_silently=False)
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        detail = f"Recipient refused: {error.recipients}"
        # 550 « no such user » is final; 450 « mailbox busy » or greylisting is worth a retry.
        if all(code >= 500 for code, _reply in error.recipients.values()):
            raise PermanentError(detail) from error
        raise RetryableError(detail) from error
    except smtplib.SMTPResponseException as error:
        # 5xx replies are definitive; 4xx replies ask the client to try again later.
        detail = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        if 500 <= error.smtp_code < 600:
            raise PermanentError(detail) from error
        raise RetryableError(detail) from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:  # server down, network
        raise RetryableError(f"{type(error).__name__}: {error}") from error
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()  # also after an error in the middle of the SMTP dialogue
    return message.extra_headers.get("Message-ID", "")


def _sender(notification) -> str:
    if not notification.sender_name:
        return settings.DEFAULT_FROM_EMAIL
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((notification.sender_name, address))


def message_id(notification) -> str:
    """The email's Message-ID, kept on the row so a delivered email can be traced in the mail
    logs. It is the same at every attempt of one message: if an attempt is retried although the
    server had accepted it (a worker stopped between the two), mail systems that deduplicate by
    Message-ID show it once."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2] or "comptoir.local"
    if notification.pk is None:
        return make_msgid(domain=domain)
    seed = f"{notification.pk}:{notification.dedupe_key}:{notification.created_at.isoformat()}"
    return f"<comptoir.{notification.pk}.{hashlib.sha256(seed.encode()).hexdigest()[:20]}@{domain}>"


def _read(path: str) -> bytes:
    try:
        with default_storage.open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise PermanentError(f"Attachment not found: {path}") from error
