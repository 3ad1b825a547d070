"""Rebuild the daily sales summaries (run each night by the worker's scheduler, for yesterday)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comptoir.reports.summaries import rebuild_daily_sales


class Command(BaseCommand):
    help = "Rebuild the daily sales summaries of a day (default: yesterday) or of the last N days."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to rebuild, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--days", type=int, default=1, help="how many days, ending on --date")

    def handle(self, *args, **options):
        try:
            last = (datetime.date.fromisoformat(options["date"]) if options["date"]
                    else timezone.localdate() - datetime.timedelta(days=1))
        except ValueError as error:
            raise CommandError("--date must look like 2026-03-31") from error
        if not 1 <= options["days"] <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        for offset in range(options["days"] - 1, -1, -1):
            day = last - datetime.timedelta(days=offset)
            count = rebuild_daily_sales(day)
            self.stdout.write(f"{day}: {count} orders")
