"""Tax status (taxable, zero-rated, exempt) instead of « taxable » yes/no; discounts."""
from decimal import Decimal
from django.db import migrations, models


def copy_taxable(apps, schema_editor):
    """A line or product that was not taxable was, in the shop's words, a basic grocery:
    zero-rated. Taxable ones stay taxable."""
    for name in ("invoiceline", "creditnoteline",):
        apps.get_model("invoicing", name).objects.filter(is_taxable=False).update(tax_status="zero_rated")


def fill_tax_base(apps, schema_editor):
    """Invoices issued so far: their lines not taxable are zero-rated (``copy_taxable``), and
    their fees went with them only when no line was taxable (the rule of the time)."""
    Invoice = apps.get_model("invoicing", "Invoice")
    InvoiceLine = apps.get_model("invoicing", "InvoiceLine")
    ids = set(InvoiceLine.objects.filter(is_taxable=False).values_list("invoice_id", flat=True))
    taxed = set(InvoiceLine.objects.filter(invoice_id__in=ids, is_taxable=True).values_list("invoice_id", flat=True))
    for invoice in Invoice.objects.filter(pk__in=ids):
        lines = InvoiceLine.objects.filter(invoice=invoice, is_taxable=False)
        amount = sum((line.amount for line in lines), Decimal("0.00"))
        if invoice.pk not in taxed:
            amount += invoice.shipping_amount + invoice.insurance_amount
        Invoice.objects.filter(pk=invoice.pk).update(zero_rated_amount=amount)


def copy_back(apps, schema_editor):
    for name in ("invoiceline", "creditnoteline",):
        apps.get_model("invoicing", name).objects.exclude(tax_status="taxable").update(is_taxable=False)


class Migration(migrations.Migration):

    dependencies = [
        ('invoicing', '0009_variant'),
    ]

    operations = [
        migrations.AddField(
            model_name='creditnote',
            name='discount_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='discount'),
        ),
        migrations.AddField(
            model_name='creditnoteline',
            name='discount_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12),
        ),
        migrations.AddField(
            model_name='creditnoteline',
            name='tax_status',
            field=models.CharField(choices=[('taxable', 'Taxable'), ('zero_rated', 'Zero-rated (0 %)'), ('exempt', 'Exempt')], default='taxable', max_length=10, verbose_name='tax status'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='discount_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='discount'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='discount_label',
            field=models.CharField(blank=True, max_length=300, verbose_name='promotions'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='shipping_discount_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='delivery discount'),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='discount_amount',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='tax_status',
            field=models.CharField(choices=[('taxable', 'Taxable'), ('zero_rated', 'Zero-rated (0 %)'), ('exempt', 'Exempt')], default='taxable', max_length=10, verbose_name='tax status'),
        ),
        migrations.AddField(
            model_name="invoice",
            name="exempt_amount",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=12,
                                      verbose_name="exempt"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="zero_rated_amount",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=12,
                                      verbose_name="zero-rated"),
        ),
        migrations.RunPython(copy_taxable, copy_back),
        migrations.RunPython(fill_tax_base, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='creditnoteline',
            name='is_taxable',
        ),
        migrations.RemoveField(
            model_name='invoiceline',
            name='is_taxable',
        ),
    ]
