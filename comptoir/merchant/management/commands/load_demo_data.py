"""``python manage.py load_demo_data``: a complete fictional Québec shop to try Comptoir with.

Safe to run again: it updates the shop and the catalogue, keeps stock levels, passwords and
the merchant's own edits of the delivery methods, and places only the demo orders missing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from comptoir.merchant.demo.loader import load_demo_data
from comptoir.merchant.demo.shop import STAFF_DEFAULT_PASSWORD, STAFF_USERNAME


class Command(BaseCommand):
    help = "Load a demo shop: business information, catalogue with images, delivery methods, staff account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=STAFF_DEFAULT_PASSWORD,
            help="Password of the merchant account when it is created (default: %(default)s).",
        )
        parser.add_argument("--no-orders", action="store_true", help="Do not place demo orders.")

    def handle(self, *args, password, no_orders, **options):
        report = load_demo_data(password=password, with_orders=not no_orders)
        self.stdout.write(self.style.SUCCESS(
            f"Demo shop ready: {report.categories} categories, {report.products} products "
            f"({report.images_drawn} images drawn), {report.orders_created} demo orders placed."
        ))
        for note in report.notes:
            self.stdout.write(f"Note: {note}")
        site = settings.SITE_URL
        if report.staff_created:
            password_text = password
        else:
            password_text = f"{password} (unless it was changed: the existing account was kept)"
        self.stdout.write(
            f"Storefront:  {site}/fr/\n"
            f"Back-office: {site}/fr/gestion/\n"
            f"  username:  {STAFF_USERNAME}\n"
            f"  password:  {password_text}\n"
            f"  two-factor sign-in: required for the owner; the first sign-in shows a QR code to scan\n"
            f"  with an authenticator app (`python manage.py reset_two_factor {STAFF_USERNAME}` removes it)"
        )
