from django.db import models
from django.utils.translation import gettext_lazy as _

# Messages that carry a secret, such as a working password reset link: the back-office never
# shows their content (it shows this line instead), and once a message is delivered its body and
# context are blanked, so the database no longer holds the secret. Until then the row keeps them:
# the worker sends that body, and a failed message can be sent again.
CONFIDENTIAL_TEMPLATES = {
    "password_reset": _("Confidential content: personal password reset link"),
}


class Notification(models.Model):
    """The outbox: one email or SMS to deliver. Written in the transaction of the action that
    causes it; delivered by a task after commit; retried on temporary failures. Delivery is
    at-least-once: the delivery task skips rows that are no longer pending and ``dedupe_key`` is
    unique, but a message whose sending was cut off before its outcome was recorded (worker
    killed, database lost right after the SMTP server accepted it) is sent again."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    template = models.CharField(_("message"), max_length=100)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(max_length=2, default="fr")
    context = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [{"filename","content_type","path"}]
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    sender_name = models.CharField(max_length=200, blank=True)  # e.g. the shop's name
    reply_to = models.CharField(max_length=254, blank=True)
    reference = models.CharField(max_length=60, blank=True, db_index=True)  # e.g. "order:42"
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("state"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)  # Message-ID or SMS sid

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The sweep's query: pending rows that are due.
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.template} → {self.recipient} ({self.status})"

    @property
    def is_confidential(self) -> bool:
        return self.template in CONFIDENTIAL_TEMPLATES

    @property
    def confidential_notice(self) -> str:
        """What a screen shows instead of the content of a confidential message ("" otherwise)."""
        return CONFIDENTIAL_TEMPLATES.get(self.template, "")


class WorkerHeartbeat(models.Model):
    """A running task worker (``manage.py run_worker``) writes its row every half minute; the
    readiness check and the back-office banner read the newest one. Rows of workers not seen for
    a day are deleted by the sweep."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} ({self.hostname}:{self.pid}), seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
