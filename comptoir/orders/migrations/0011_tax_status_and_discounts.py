"""Tax status (taxable, zero-rated, exempt) instead of « taxable » yes/no; discounts."""
from decimal import Decimal
from django.db import migrations, models


def copy_taxable(apps, schema_editor):
    """A line or product that was not taxable was, in the shop's words, a basic grocery:
    zero-rated. Taxable ones stay taxable."""
    for name in ("orderline",):
        apps.get_model("orders", name).objects.filter(is_taxable=False).update(tax_status="zero_rated")


def copy_back(apps, schema_editor):
    for name in ("orderline",):
        apps.get_model("orders", name).objects.exclude(tax_status="taxable").update(is_taxable=False)


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0010_interac_payment_reference'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='discount_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='discount'),
        ),
        migrations.AddField(
            model_name='order',
            name='discount_label',
            field=models.CharField(blank=True, max_length=300, verbose_name='promotions'),
        ),
        migrations.AddField(
            model_name='order',
            name='shipping_discount_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='delivery discount'),
        ),
        migrations.AddField(
            model_name='orderline',
            name='discount_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='discount'),
        ),
        migrations.AddField(
            model_name='orderline',
            name='tax_status',
            field=models.CharField(choices=[('taxable', 'Taxable'), ('zero_rated', 'Zero-rated (0 %)'), ('exempt', 'Exempt')], default='taxable', max_length=10, verbose_name='tax status'),
        ),
        migrations.RunPython(copy_taxable, copy_back),
        migrations.RemoveField(
            model_name='orderline',
            name='is_taxable',
        ),
    ]
