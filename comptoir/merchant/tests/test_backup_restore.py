"""Backup during checkouts, then restore into a fresh database: every order committed before the
backup started is there, with its invoice and its stored PDF, and the restored shop is exactly
the backup's snapshot (gap-free numbers, consistent totals, readable PDFs).

The shop runs as separate processes, as in production: two processes place orders through the
real checkout and email each invoice (its PDF stored in the media folder) while
``manage.py backup`` runs; ``manage.py restore`` then fills a new SQLite file or a new PostgreSQL
database created by the test (the suite's run: SQLite or PostgreSQL), and a last process reads
the restored shop.
"""

import json
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

from .conftest import PROCESS_TIMEOUT, ROOT, manage, shop_environment

ORDERS_BEFORE_BACKUP = 4
ORDERS_AFTER_BACKUP = 2

SET_UP_SHOP = """
from decimal import Decimal
from comptoir.core.testing import make_category, make_delivery_methods, make_product, make_shop
make_shop()
make_delivery_methods()
category = make_category(slug="erable")
for index in range(3):
    make_product(category, slug=f"sirop-{index}", sku=f"ERA-{index}", stock=100000,
                 price_amount=Decimal("12.50") + index)
"""

# Places orders until the stop file appears; prints each order's number once it is committed
# and its invoice emailed (PDF stored, message queued).
PLACE_ORDERS = """
import os, pathlib, random
from comptoir.catalog.models import Product
from comptoir.checkout.testing import place_test_order
from comptoir.invoicing.messages import queue_invoice_email
stop = pathlib.Path(os.environ["STOP_FILE"])
products = list(Product.objects.all())
while not stop.exists():
    order = place_test_order([(random.choice(products), random.randint(1, 3))], delivery_kind="pickup")
    print("placed", order.number, flush=True)
    queue_invoice_email(order.invoice)
    print("emailed", order.number, flush=True)
"""

READ_SHOP = """
import io, json
from decimal import Decimal
from django.core.files.storage import default_storage
from pypdf import PdfReader
from comptoir.invoicing.models import Invoice
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order

def consistent(order):
    lines = sum((line.line_total_amount for line in order.lines.all()), Decimal(0))
    taxes = sum((tax.amount for tax in order.taxes.all()), Decimal(0))
    return (lines == order.subtotal_amount and taxes == order.tax_total
            and order.subtotal_amount + order.shipping_amount + order.insurance_amount + order.tax_total
            == order.total_amount)

pdfs = {}
for notification in Notification.objects.filter(template="invoice"):
    for attachment in notification.attachments:
        with default_storage.open(attachment["path"], "rb") as stored:
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored.read())).pages)
        pdfs[notification.reference] = text
orders = Order.objects.prefetch_related("lines", "taxes").select_related("invoice").order_by("number")
print(json.dumps({
    "orders": [order.number for order in orders],
    "inconsistent_orders": [order.number for order in orders if not consistent(order)],
    "invoices": sorted(Invoice.objects.values_list("number", flat=True)),
    "invoice_totals_differ": [order.number for order in orders
                              if order.invoice.total_amount != order.total_amount],
    "emailed": sorted(Order.objects.get(pk=int(reference.split(":")[1])).number for reference in pdfs),
    "pdf_without_reference": [reference for reference, text in pdfs.items()
                              if Order.objects.get(pk=int(reference.split(":")[1])).invoice.reference
                              not in text],
}))
"""


def restore_twice(target: dict, archive: Path) -> None:
    """A second restore into the now filled database is refused and changes nothing; with
    ``--force`` it replaces the content with the backup's again."""
    refused = manage(target, "restore", str(archive), succeeds=False)
    assert "Nothing restored: the database already has" in refused.stderr
    assert "add --force" in refused.stderr
    manage(target, "restore", "--force", str(archive))


class OrderPlacer:
    """A process placing orders through the checkout; ``emailed`` lists the order numbers whose
    order, invoice and invoice email are committed (read as the process prints them)."""

    def __init__(self, environment: dict, stop_file: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-v", "0", "-c", PLACE_ORDERS],
            env={**environment, "STOP_FILE": str(stop_file)}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        self.emailed = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            words = line.split()
            if len(words) == 2 and words[0] == "emailed":
                self.emailed.append(int(words[1]))

    def wait_for(self, count: int):
        """Until this process has emailed ``count`` orders (or stopped: then it failed)."""
        give_up = time.monotonic() + PROCESS_TIMEOUT  # a hung process fails the test
        while len(self.emailed) < count:
            assert self.process.poll() is None, self.process.stderr.read()
            assert time.monotonic() < give_up, "the checkout process stopped placing orders"
            time.sleep(0.05)

    def stop(self):
        self.process.wait(timeout=PROCESS_TIMEOUT)
        self.reader.join(timeout=10)
        assert self.process.returncode == 0, self.process.stderr.read()


def back_up_during_checkouts(tmp_path: Path, source: dict) -> tuple[Path, list[int]]:
    """Run the backup while two processes place orders; return the archive and the orders
    known to be committed (with their invoice email) before the backup started."""
    manage(source, "migrate", "--no-input", "-v", "0")
    manage(source, "shell", "-v", "0", "-c", SET_UP_SHOP)
    stop_file = tmp_path / "stop"
    placers = [OrderPlacer(source, stop_file) for _ in range(2)]
    try:
        for placer in placers:
            placer.wait_for(ORDERS_BEFORE_BACKUP // 2)
        committed_before = sorted(number for placer in placers for number in list(placer.emailed))
        manage(source, "backup", "--output", str(tmp_path / "backups"))
        for placer in placers:  # the checkouts went on during and after the backup
            placer.wait_for(len(placer.emailed) + ORDERS_AFTER_BACKUP)
    finally:
        stop_file.touch()
        for placer in placers:
            placer.stop()
    [archive] = (tmp_path / "backups").glob("comptoir-backup-*.tar.gz")
    return archive, committed_before


def check_restored_shop(target: dict, archive: Path, committed_before: list[int]):
    restored = json.loads(manage(target, "shell", "-v", "0", "-c", READ_SHOP).stdout)
    with tarfile.open(archive) as backup:
        manifest = json.load(backup.extractfile("manifest.json"))
    orders = restored["orders"]
    # Every order committed before the backup started, each with its emailed invoice PDF.
    assert set(committed_before) <= set(orders)
    assert set(committed_before) <= set(restored["emailed"])
    # The restored shop is one snapshot: gap-free numbers, as many rows as the backup counted.
    assert orders == list(range(1001, 1001 + len(orders)))
    assert restored["invoices"] == list(range(1, len(orders) + 1))
    assert len(orders) == manifest["tables"]["orders_order"]
    assert restored["inconsistent_orders"] == [] and restored["invoice_totals_differ"] == []
    # Every stored PDF of the snapshot is in the restored media folder and is its invoice.
    assert restored["pdf_without_reference"] == []


def test_backup_during_checkouts_restores_every_committed_order(tmp_path, new_databases):
    source_url, target_url = new_databases
    source = shop_environment(source_url, tmp_path / "shop")
    archive, committed_before = back_up_during_checkouts(tmp_path, source)

    target = shop_environment(target_url, tmp_path / "restored")
    manage(target, "restore", str(archive))
    check_restored_shop(target, archive, committed_before)
    restore_twice(target, archive)  # ``restore`` itself checks every table's rows against the manifest
    manage(target, "migrate", "--check")
