"""Rebuild the daily summaries (run each night: by default the 31 days ending yesterday)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comptoir.reports.summaries import rebuild_daily_sales


class Command(BaseCommand):
    help = "Rebuild the daily summaries of the N days (default 31) ending on --date (default: yesterday)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to rebuild, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--days", type=int, default=31, help="how many days, ending on --date")

    def handle(self, *args, **options):
        try:
            last = (datetime.date.fromisoformat(options["date"]) if options["date"]
                    else timezone.localdate() - datetime.timedelta(days=1))
        except ValueError as error:
            raise CommandError("--date must look like 2026-03-31") from error
        if not 1 <= options["days"] <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        if last >= timezone.localdate():
            raise CommandError("--date must be a day that is over (yesterday or before)")
        for offset in range(options["days"] - 1, -1, -1):
            day = last - datetime.timedelta(days=offset)
            count = rebuild_daily_sales(day)
            self.stdout.write(f"{day}: {count} orders")
