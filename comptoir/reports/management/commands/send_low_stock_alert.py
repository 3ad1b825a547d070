"""Queue today's low-stock alert (once a day; running it again the same day queues nothing)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from comptoir.reports.services import send_low_stock_alert


class Command(BaseCommand):
    help = "Queue today's low-stock alert to the merchant (idempotent per day)."

    def handle(self, *args, **options):
        messages = send_low_stock_alert(timezone.now())
        self.stdout.write(f"{len(messages)} message(s) queued or already queued today")
