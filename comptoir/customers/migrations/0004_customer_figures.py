from decimal import Decimal

from django.db import migrations, models
from django.db.models import Case, Count, DecimalField, F, Max, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


def fill_figures(apps, schema_editor):
    """The figures of the existing customers, from their orders and invoices (one UPDATE)."""
    Customer = apps.get_model("customers", "Customer")
    Order = apps.get_model("orders", "Order")
    Invoice = apps.get_model("invoicing", "Invoice")
    orders = Order.objects.filter(customer=OuterRef("pk")).order_by().values("customer")
    kept = orders.exclude(status="cancelled")
    owed = F("total_amount") - F("credited_amount") - F("paid_amount")
    balance = Case(When(status="unpaid", then=Greatest(owed, Value(ZERO))), default=Value(ZERO),
                   output_field=MONEY)
    invoices = Invoice.objects.filter(order__customer=OuterRef("pk")).order_by().values("order__customer")
    Customer.objects.update(
        order_count=Coalesce(Subquery(kept.annotate(n=Count("pk")).values("n")), 0),
        total_spent=Coalesce(Subquery(kept.annotate(total=Sum("total_amount")).values("total"),
                                      output_field=MONEY), Value(ZERO), output_field=MONEY),
        last_order_at=Subquery(orders.annotate(last=Max("placed_at")).values("last")),
        balance_owed=Coalesce(Subquery(invoices.annotate(total=Sum(balance)).values("total"),
                                       output_field=MONEY), Value(ZERO), output_field=MONEY),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0003_news_consent'),
        ('orders', '0008_orderevent_kinds'),
        ('invoicing', '0008_closed_periods'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='order_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='orders'),
        ),
        migrations.AddField(
            model_name='customer',
            name='total_spent',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='total spent'),
        ),
        migrations.AddField(
            model_name='customer',
            name='last_order_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='last order'),
        ),
        migrations.AddField(
            model_name='customer',
            name='balance_owed',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='balance owed'),
        ),
        migrations.RunPython(fill_figures, migrations.RunPython.noop),
    ]
