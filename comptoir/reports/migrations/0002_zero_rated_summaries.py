"""Summaries built before products had a tax status counted the goods that were not taxable (and
the fees of documents holding only such goods) as « non-taxable products »: those goods are
zero-rated now (``catalog`` 0006), so their amounts move to ``zero_rated_amount``."""

from django.db import migrations
from django.db.models import F


def move_to_zero_rated(apps, schema_editor):
    apps.get_model("reports", "TaxDailySummary").objects.update(
        zero_rated_amount=F("zero_rated_amount") + F("exempt_amount"), exempt_amount=0)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("catalog", "0007_tax_status_and_discounts"),
    ]

    operations = [
        migrations.RunPython(move_to_zero_rated, migrations.RunPython.noop),
    ]
