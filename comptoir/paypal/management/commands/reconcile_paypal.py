import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from comptoir.paypal.reconciliation import reconcile_pending_checkouts
from comptoir.paypal.refunds import retry_pending_refunds


class Command(BaseCommand):
    help = ("Ask PayPal about payments still pending after a few minutes and settle them; send again "
            "the refunds still pending.")

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=5,
                            help="only attempts older than this many minutes (default 5)")
        parser.add_argument("--every", type=int, default=0,
                            help="keep running, one pass every this many seconds (Ctrl-C stops)")

    def handle(self, *args, minutes, every, **options):
        while True:
            outcomes = reconcile_pending_checkouts(older_than=timedelta(minutes=minutes))
            refunds = retry_pending_refunds(older_than=timedelta(minutes=minutes))
            outcomes.update({f"refund {status}": count for status, count in refunds.items()})
            summary = ", ".join(f"{status}: {count}" for status, count in sorted(outcomes.items()))
            self.stdout.write(summary or "Nothing to reconcile.")
            if not every:
                return
            close_old_connections()
            try:
                time.sleep(every)
            except KeyboardInterrupt:
                return
