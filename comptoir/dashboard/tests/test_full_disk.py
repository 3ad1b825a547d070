"""« Envoyer par courriel » when the server's disk is full: a translated message on the page, no
empty or partial PDF left in the media folder, nothing queued, the invoice unchanged.

Only the disk is simulated (a full disk cannot be made here): the real ``FileSystemStorage``
creates the file, then the write fails with ``ENOSPC`` after the first chunk, as it does on a
full file system.
"""

import errno
import html
import os
import re
from decimal import Decimal

import pytest
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from comptoir.core.testing import make_order, make_product
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import OrderEvent

pytestmark = pytest.mark.django_db


class _FailingWrite(File):
    """Content whose write stops with « No space left on device » after its first chunk."""

    def __init__(self, content: bytes):
        super().__init__(None, name="document.pdf")
        self.content = content

    def chunks(self, chunk_size=None):
        yield self.content[:1024]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class FullDiskStorage(FileSystemStorage):
    """The project's file storage on a disk that is full."""

    def _save(self, name, content):
        return super()._save(name, _FailingWrite(content.read()))


@pytest.fixture
def full_disk(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FullDiskStorage"},
    }


@pytest.fixture
def invoice(shop, merchant):
    order = make_order([(make_product(price_amount=Decimal("100.00")), 1)], delivery_kind="pickup")
    return issue_invoice(order, actor=merchant)


def files_under(root) -> list:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def state_of(invoice: Invoice) -> tuple:
    invoice = Invoice.objects.get(pk=invoice.pk)
    return (
        invoice.number, invoice.status, invoice.total_amount, invoice.paid_at,
        list(invoice.order.events.order_by("pk").values_list("kind", "data")),
        Notification.objects.count(),
    )


def page_text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Le PDF de F-000001 n'a pas pu être enregistré : le disque du serveur est plein"),
    ("en", "The PDF of F-000001 could not be saved: the server's disk is full"),
])
def test_send_invoice_with_a_full_disk_says_so_and_changes_nothing(
    staff_client, invoice, full_disk, media_root, language, expected
):
    from django.utils import translation

    before = state_of(invoice)
    with translation.override(language):
        send = reverse("dashboard:invoice_send", args=[invoice.number])
        listing = reverse("dashboard:invoice_list")
    response = staff_client.post(send, {"next": listing}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == listing
    assert expected in page_text(response)
    assert state_of(invoice) == before
    assert not OrderEvent.objects.filter(kind=OrderEvent.Kind.INVOICE_SENT).exists()
    assert files_under(media_root) == []  # no empty or partial PDF


def test_the_same_send_works_once_the_disk_has_room(staff_client, invoice, media_root, settings):
    """The storage double only breaks the write: without it the send stores one readable PDF."""
    response = staff_client.post(reverse("dashboard:invoice_send", args=[invoice.number]), follow=True)
    assert response.status_code == 200
    [notification] = Notification.objects.all()
    [stored] = files_under(media_root)
    assert notification.attachments[0]["path"] == stored
    assert (media_root / stored).read_bytes().startswith(b"%PDF")


def test_credit_note_email_with_a_full_disk_queues_nothing(invoice, merchant, full_disk, media_root):
    from comptoir.invoicing.messages import DocumentNotStored, queue_credit_note_email

    credit_note = issue_credit_note(invoice, actor=merchant, reason="Erreur de prix")
    before = state_of(invoice)
    with pytest.raises(DocumentNotStored):
        queue_credit_note_email(credit_note, actor=merchant)
    assert state_of(invoice) == before
    assert files_under(media_root) == []
