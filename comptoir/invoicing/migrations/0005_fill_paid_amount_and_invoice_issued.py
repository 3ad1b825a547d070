from django.db import migrations
from django.db.models import Sum


def fill(apps, schema_editor):
    """Existing invoices: their paid amount from their payments; their orders are invoiced."""
    Invoice = apps.get_model("invoicing", "Invoice")
    Order = apps.get_model("orders", "Order")
    Payment = apps.get_model("payments", "Payment")
    totals = Payment.objects.values("invoice_id").annotate(total=Sum("amount"))
    for row in totals.iterator():
        Invoice.objects.filter(pk=row["invoice_id"]).update(paid_amount=row["total"])
    Order.objects.filter(invoice__isnull=False).update(invoice_issued=True)


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0004_invoice_paid_amount"),
        ("orders", "0005_order_invoice_issued"),
        ("payments", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
