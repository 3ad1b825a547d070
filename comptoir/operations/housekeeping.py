"""Housekeeping: delete what has served its purpose, never the shop's records.

Deleted: expired sessions, carts untouched for ``HOUSEKEEPING_CART_DAYS`` days (an order copies
its lines, so a cart is never part of an order), finished background task rows older than
``HOUSEKEEPING_TASK_DAYS`` days, and stored invoice/credit-note PDFs superseded by a newer copy of
the same document in the same language, unless a message not yet delivered attaches them.
Never deleted: invoices, credit notes, orders, payments, messages (the outbox log), stock movements.
Running it twice in a row deletes nothing the second time.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.checkout.models import Cart
from comptoir.notifications.models import Notification

logger = logging.getLogger(__name__)

PDF_FOLDER = "invoices"
# invoicing.messages names each stored copy "<reference>-<language>-<YYYYmmdd-HHMMSS>-<token>.pdf"
# (a storage may add "_<7 characters>" before the extension when the name is taken).
PDF_NAME = re.compile(
    r"^(?P<reference>.+)-(?P<language>[a-z]{2})-(?P<stamp>\d{8}-\d{6})-[0-9a-f]{32}(?:_[A-Za-z0-9]{7})?\.pdf$"
)


@dataclass
class HousekeepingReport:
    sessions: int = 0
    carts: int = 0
    task_results: int = 0
    pdfs: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Expired sessions deleted: {self.sessions}",
            f"Abandoned carts deleted: {self.carts}",
            f"Finished task results deleted: {self.task_results}",
            f"Superseded PDF copies deleted: {len(self.pdfs)}",
        ]


def run_housekeeping(*, actor=None, now=None) -> HousekeepingReport:
    """One clean-up pass (``actor`` is None when the timer runs it)."""
    now = now or timezone.now()
    report = HousekeepingReport()
    with transaction.atomic():
        report.sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
        cart_cutoff = now - timedelta(days=settings.HOUSEKEEPING_CART_DAYS)
        old_carts = Cart.objects.filter(updated_at__lt=cart_cutoff)
        report.carts = old_carts.count()
        old_carts.delete()  # their lines go with them
        task_cutoff = now - timedelta(days=settings.HOUSEKEEPING_TASK_DAYS)
        report.task_results, _ = DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=task_cutoff,
        ).delete()
    # Files are not part of the transaction: deleted after it, one by one.
    report.pdfs = delete_superseded_pdfs()
    logger.info("Housekeeping by %s: %s", actor or "schedule", "; ".join(report.lines()))
    return report


def superseded_pdfs() -> list[str]:
    """Stored PDF copies with a newer copy of the same document and language, that no message
    still to deliver (queued, or failed and so possibly sent again) attaches."""
    try:
        _folders, names = default_storage.listdir(PDF_FOLDER)
    except FileNotFoundError:
        return []
    newest: dict[tuple[str, str], str] = {}  # the latest time stamp of each document and language
    copies: list[tuple[tuple[str, str], str, str]] = []
    for name in names:
        match = PDF_NAME.match(name)
        if match is None:
            continue  # not a copy this code stored: left alone
        key = (match["reference"], match["language"])
        copies.append((key, match["stamp"], name))
        newest[key] = max(newest.get(key, ""), match["stamp"])
    attached = {
        attachment.get("path")
        for attachments in Notification.objects.exclude(status=Notification.Status.SENT)
        .exclude(attachments=[]).values_list("attachments", flat=True)
        for attachment in attachments or []
    }
    # Copies stored in the same second as the newest are all kept (which came last is unknown).
    return sorted(
        f"{PDF_FOLDER}/{name}" for key, stamp, name in copies
        if stamp < newest[key] and f"{PDF_FOLDER}/{name}" not in attached
    )


def delete_superseded_pdfs() -> list[str]:
    deleted = []
    for path in superseded_pdfs():
        default_storage.delete(path)
        deleted.append(path)
    return deleted
