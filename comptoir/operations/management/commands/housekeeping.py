"""``manage.py housekeeping``: one clean-up pass (see comptoir.operations.housekeeping); run it daily
from a timer. It can run again at any time: what is left is kept."""

from django.core.management.base import BaseCommand

from comptoir.operations.housekeeping import run_housekeeping


class Command(BaseCommand):
    help = ("Delete expired sessions, abandoned carts, old finished task rows and superseded "
            "invoice PDF copies.")

    def handle(self, *args, **options):
        report = run_housekeeping()
        for line in report.lines():
            self.stdout.write(line)
        if options["verbosity"] > 1:
            for path in report.pdfs:
                self.stdout.write(f"  {path}")
