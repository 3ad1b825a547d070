"""Tax status (taxable, zero-rated, exempt) instead of « taxable » yes/no; discounts."""
from django.db import migrations, models


def copy_taxable(apps, schema_editor):
    """A line or product that was not taxable was, in the shop's words, a basic grocery:
    zero-rated. Taxable ones stay taxable."""
    for name in ("product",):
        apps.get_model("catalog", name).objects.filter(is_taxable=False).update(tax_status="zero_rated")


def copy_back(apps, schema_editor):
    for name in ("product",):
        apps.get_model("catalog", name).objects.exclude(tax_status="taxable").update(is_taxable=False)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_product_variants'),
    ]

    operations = [
        migrations.AddField(
            model_name='product',
            name='tax_status',
            field=models.CharField(choices=[('taxable', 'Taxable'), ('zero_rated', 'Zero-rated (0 %)'), ('exempt', 'Exempt')], default='taxable', max_length=10, verbose_name='tax status'),
        ),
        migrations.RunPython(copy_taxable, copy_back),
        migrations.RemoveField(
            model_name='product',
            name='is_taxable',
        ),
    ]
