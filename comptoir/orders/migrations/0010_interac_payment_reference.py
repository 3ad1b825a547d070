from django.db import migrations, models


def fill_references(apps, schema_editor):
    from comptoir.orders.references import payment_reference

    Order = apps.get_model("orders", "Order")
    batch = []
    for order in Order.objects.only("pk", "number").iterator(chunk_size=2000):
        order.payment_reference = payment_reference(order.number)
        batch.append(order)
        if len(batch) >= 2000:
            Order.objects.bulk_update(batch, ["payment_reference"])
            batch = []
    Order.objects.bulk_update(batch, ["payment_reference"])


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0009_variant"),
    ]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="payment_method",
            field=models.CharField(blank=True, choices=[("", "None (order details only)"), ("paypal", "Credit card via PayPal"), ("cheque", "Cheque, money order or transfer"), ("interac", "Interac e-Transfer"), ("cod", "Cash on delivery")], max_length=10, verbose_name="payment method"),
        ),
        migrations.AddField(
            model_name="order",
            name="payment_reference",
            field=models.CharField(max_length=16, null=True, verbose_name="payment reference"),
        ),
        migrations.RunPython(fill_references, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="order",
            name="payment_reference",
            field=models.CharField(max_length=16, unique=True, verbose_name="payment reference"),
        ),
    ]
