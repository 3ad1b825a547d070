from django.db import migrations

from comptoir.taxes.rates import seed_default_rates


def seed(apps, schema_editor):
    seed_default_rates(apps.get_model("taxes", "TaxRate"))


class Migration(migrations.Migration):
    dependencies = [("taxes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
