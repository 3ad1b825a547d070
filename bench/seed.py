"""Fast seeding of many orders for the back-office benchmark (bulk inserts, no services).

The rows look like what checkout and the back-office write: a realistic mix of statuses and
payment methods, an invoice for most orders (paid for the completed ones), lines, taxes and
a timeline entry each. Amounts follow the Québec rules (GST 5 %, QST 9.975 % on goods + fees).
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from comptoir.catalog.models import Product, ProductVariant
from comptoir.core.models import Sequence
from comptoir.core.money import ZERO, quantize
from comptoir.customers.models import Address, Customer, customer_search_name
from comptoir.invoicing.customer_figures import rebuild_customer_figures
from comptoir.invoicing.models import Invoice, InvoiceLine, InvoiceTax
from comptoir.merchant.models import ShopSettings
from comptoir.orders.models import Order, OrderEvent, OrderLine, OrderTax
from comptoir.payments.models import Payment
from comptoir.shipping.models import DeliveryMethod

BATCH = 2_000
CUSTOMERS = 20_000
FIRST_NAMES = ["Marie", "Jean", "Sophie", "Luc", "Nathalie", "Émilie", "François", "Isabelle", "Marc",
               "Julie", "Olivier", "Catherine", "Mathieu", "Geneviève", "Alexandre", "Chloé"]
LAST_NAMES = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
              "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc"]
# (order status, share); completed orders have a paid invoice, cancelled ones a cancelled one.
STATUS_MIX = [(Order.Status.NEW, 0.15), (Order.Status.AWAITING_PAYMENT, 0.15),
              (Order.Status.COMPLETED, 0.60), (Order.Status.CANCELLED, 0.10)]
PAYMENT_MIX = [("cheque", 0.45), ("paypal", 0.40), ("cod", 0.05), ("", 0.10)]
GST, QST = Decimal("5"), Decimal("9.975")


def _rebuild_customer_figures() -> None:
    """What the services keep on each customer row (« Clients »), for the orders written here."""
    import time

    from django.db import connection

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics: an index lookup per customer
            cursor.execute("ANALYZE")
    count = rebuild_customer_figures()
    print(f"rebuild_customer_figures ({count:,} customers): {time.perf_counter() - started:.1f} s")


def customer_email(index: int) -> str:
    return f"client{index}@example.com"


def ensure_customers() -> list[Customer]:
    existing = Customer.objects.count()
    if existing < CUSTOMERS:
        Customer.objects.bulk_create(
            [Customer(email=customer_email(i), first_name=FIRST_NAMES[i % 16],
                      last_name=LAST_NAMES[(i // 16) % 16], phone="514 555-0100",
                      language="en" if i % 7 == 0 else "fr",
                      search_name=customer_search_name(FIRST_NAMES[i % 16], LAST_NAMES[(i // 16) % 16]))
             for i in range(existing, CUSTOMERS)],
            batch_size=BATCH,
        )
    return list(Customer.objects.order_by("id").only("id", "email", "first_name", "last_name", "language"))


def seed_orders(count: int, *, seed: int = 42, spacing: timedelta = timedelta(minutes=5),
                progress=None) -> None:
    """Add ``count`` orders after the existing ones, ``spacing`` apart from two years ago (the
    default, 5 minutes, spreads 100,000 orders over about a year); ``progress(done)`` is called
    after each batch."""
    rng = random.Random(seed + Order.objects.count())
    context = {
        "spacing": spacing,
        "customers": ensure_customers(),
        "products": sellables(),
        "methods": list(DeliveryMethod.objects.order_by("position")),
        "merchant": ShopSettings.load().business_snapshot(),
        "now": timezone.now(),
    }
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        with transaction.atomic():
            _seed_batch(size, rng, context)
        done += size
        if progress is not None:
            progress(done)
    _rebuild_customer_figures()


def sellables() -> list[tuple]:
    """What an order line can sell: (product, None) for a product sold as such, (product, variant)
    for each variant for sale of a product sold by variant."""
    simple = [(product, None) for product in Product.objects.filter(has_variants=False).order_by("id")]
    variants = ProductVariant.objects.filter(is_active=True).select_related("product").order_by("id")
    return simple + [(variant.product, variant) for variant in variants]


def _choose(rng, mix):
    return rng.choices([value for value, _share in mix], weights=[share for _value, share in mix])[0]


def _seed_batch(size: int, rng, context) -> None:
    order_number = Sequence.next_value("order", start=1001)
    invoice_number = Sequence.next_value("invoice")
    Sequence.objects.filter(name="order").update(last_value=order_number + size - 1)
    plans, addresses = [], []
    for offset in range(size):
        customer = context["customers"][rng.randrange(len(context["customers"]))]
        plans.append(_plan_order(rng, context, customer, order_number + offset))
        addresses.append(Address(first_name=customer.first_name, last_name=customer.last_name,
                                 line1=f"{rng.randint(10, 9999)}, rue Saint-Denis", city="Montréal",
                                 province="QC", postal_code="H2J 2K9", phone="514 555-0100"))
    Address.objects.bulk_create(addresses)
    for plan, address in zip(plans, addresses, strict=True):
        order = plan["order"]
        order.billing_address = address
        order.shipping_address = None if order.delivery_kind == "pickup" else address
    Order.objects.bulk_create([plan["order"] for plan in plans])  # sets each order's pk
    _write_order_children(plans)
    invoice_number = _write_invoices(plans, invoice_number, context["merchant"])
    Sequence.objects.filter(name="invoice").update(last_value=invoice_number - 1)


def _plan_order(rng, context, customer, number: int) -> dict:
    method = context["methods"][rng.randrange(len(context["methods"]))]
    products = rng.sample(context["products"], rng.randint(1, 3))
    lines = [(product, variant, rng.randint(1, 3)) for product, variant in products]
    subtotal = sum((quantize((v or p).price_amount * q) for p, v, q in lines), ZERO)
    shipping = method.fee_for(subtotal)
    taxes = [("GST", GST, quantize((subtotal + shipping) * GST / 100)),
             ("QST", QST, quantize((subtotal + shipping) * QST / 100))]
    tax_total = taxes[0][2] + taxes[1][2]
    payment_method = _choose(rng, PAYMENT_MIX)
    status = _choose(rng, STATUS_MIX)
    if not payment_method and status == Order.Status.COMPLETED:
        status = Order.Status.NEW
    # ``spacing`` apart (5 minutes by default), starting two years ago.
    placed_at = context["now"] - timedelta(days=730) + context["spacing"] * (number - 1001)
    order = Order(
        number=number, customer_id=customer.id, email=customer.email, phone="514 555-0100",
        language=customer.language, status=status, delivery_method=method,
        delivery_name_fr=method.name_fr, delivery_name_en=method.name_en, delivery_kind=method.kind,
        payment_method=payment_method, tax_province="QC", subtotal_amount=subtotal,
        shipping_amount=shipping, insurance_amount=ZERO, tax_total=tax_total,
        total_amount=subtotal + shipping + tax_total, placed_at=placed_at,
        # Completed orders have a paid invoice (``_write_invoices``).
        invoice_paid=bool(payment_method) and status == Order.Status.COMPLETED,
    )
    return {"order": order, "lines": lines, "taxes": taxes, "customer": customer,
            "invoiced": bool(payment_method)}


def _write_order_children(plans) -> None:
    lines, taxes, events = [], [], []
    for plan in plans:
        order = plan["order"]
        for position, (product, variant, quantity) in enumerate(plan["lines"]):
            sold = variant or product
            lines.append(OrderLine(
                order=order, product=product, variant=variant, sku=sold.sku, name_fr=sold.name_fr,
                name_en=sold.name_en, unit_price_amount=sold.price_amount, quantity=quantity,
                line_total_amount=quantize(sold.price_amount * quantity), position=position,
            ))
        for position, (code, rate, amount) in enumerate(plan["taxes"]):
            taxes.append(OrderTax(order=order, code=code, rate=rate, amount=amount, position=position))
        events.append(OrderEvent(order=order, kind=OrderEvent.Kind.PLACED,
                                 data={"number": order.number, "total": str(order.total_amount)}))
    OrderLine.objects.bulk_create(lines, batch_size=BATCH)
    OrderTax.objects.bulk_create(taxes, batch_size=BATCH)
    OrderEvent.objects.bulk_create(events, batch_size=BATCH)


def _write_invoices(plans, number: int, merchant: dict) -> int:
    invoices, invoiced_plans = [], []
    for plan in plans:
        order = plan["order"]
        if not plan["invoiced"]:
            continue
        status = {Order.Status.COMPLETED: Invoice.Status.PAID,
                  Order.Status.CANCELLED: Invoice.Status.CANCELLED}.get(order.status, Invoice.Status.UNPAID)
        address = order.billing_address
        invoices.append(Invoice(
            order=order, current_for=order, number=number, status=status, issued_at=order.placed_at,
            paid_at=order.placed_at if status == Invoice.Status.PAID else None, language=order.language,
            merchant=merchant, customer_name=address.full_name, customer_email=order.email,
            billing_address=address.lines(), shipping_address=address.lines(),
            delivery_name_fr=order.delivery_name_fr, delivery_name_en=order.delivery_name_en,
            payment_method=order.payment_method, subtotal_amount=order.subtotal_amount,
            shipping_amount=order.shipping_amount, insurance_amount=ZERO, tax_total=order.tax_total,
            total_amount=order.total_amount,
        ))
        invoiced_plans.append(plan)
        number += 1
    Invoice.objects.bulk_create(invoices, batch_size=BATCH)
    _write_invoice_children(invoices, invoiced_plans)
    return number


def _write_invoice_children(invoices, plans) -> None:
    lines, taxes, payments = [], [], []
    for invoice, plan in zip(invoices, plans, strict=True):
        for position, (product, variant, quantity) in enumerate(plan["lines"]):
            sold = variant or product
            lines.append(InvoiceLine(invoice=invoice, sku=sold.sku, description_fr=sold.name_fr,
                                     description_en=sold.name_en, quantity=quantity,
                                     unit_price_amount=sold.price_amount, product=product, variant=variant,
                                     amount=quantize(sold.price_amount * quantity), position=position))
        for position, (code, rate, amount) in enumerate(plan["taxes"]):
            taxes.append(InvoiceTax(invoice=invoice, code=code, rate=rate, amount=amount, position=position))
        if invoice.status == Invoice.Status.PAID:
            method = "paypal" if invoice.payment_method == "paypal" else "cheque"
            payments.append(Payment(invoice=invoice, method=method, amount=invoice.total_amount))
    InvoiceLine.objects.bulk_create(lines, batch_size=BATCH)
    InvoiceTax.objects.bulk_create(taxes, batch_size=BATCH)
    Payment.objects.bulk_create(payments, batch_size=BATCH)


# --- PostgreSQL: the same data set written by the database itself ---------------------------------

SQL_CHUNK = 100_000


def seed_orders_sql(count: int, *, spacing: timedelta = timedelta(minutes=5), progress=None,
                    chunk: int = SQL_CHUNK) -> None:
    """Add ``count`` orders like ``seed_orders``, generated by PostgreSQL (``generate_series``
    and ``INSERT … SELECT``: no Python object per row), ``chunk`` orders per transaction.

    Same mix of statuses and payment methods, same amounts (lines of 1 to 3 demo products, the
    delivery method's fee, GST 5 % and QST 9.975 % on goods + delivery, rounded half up), an
    invoice for each order with a payment method (paid for completed orders, with its payment),
    lines, taxes and a timeline entry: totals add up as in ``seed_orders``."""
    from django.db import connection

    if connection.vendor != "postgresql":
        raise RuntimeError("seed_orders_sql needs PostgreSQL")
    ensure_customers()
    first_order = Order.objects.order_by("number").values_list("placed_at", flat=True).first()
    start = first_order or timezone.now() - timedelta(days=730)  # order 1001 is placed at ``start``
    merchant = ShopSettings.load().business_snapshot()
    done = 0
    while done < count:
        size = min(chunk, count - done)
        with transaction.atomic(), connection.cursor() as cursor:
            _seed_chunk_sql(cursor, size, start=start, spacing=spacing, merchant=merchant)
        done += size
        if progress is not None:
            progress(done)
    _rebuild_customer_figures()


def _insert(cursor, model, explicit: dict, source: str) -> None:
    """INSERT … SELECT of ``model``'s rows: the ``explicit`` SQL expressions (a string, or a
    string and its parameters), and the model's default for every other column that cannot be
    NULL (so that fields added to the models later are filled too)."""
    from django.db import connection

    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.column in explicit:
            value = explicit[field.column]
            expression, values = value if isinstance(value, tuple) else (value, [])
            columns.append(field.column)
            expressions.append(expression)
            params.extend(values)
        elif not field.null and not field.primary_key:
            if not field.has_default():
                raise RuntimeError(f"seed_orders_sql: no value for {model.__name__}.{field.name}")
            columns.append(field.column)
            expressions.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
                   f"SELECT {', '.join(expressions)} {source}", params)


def _seed_chunk_sql(cursor, size: int, *, start, spacing: timedelta, merchant: dict) -> None:
    import json

    first_number = Sequence.next_value("order", start=1001)
    Sequence.objects.filter(name="order").update(last_value=first_number + size - 1)
    first_invoice = Sequence.next_value("invoice")
    cursor.execute("DROP TABLE IF EXISTS seed_customer, seed_product, seed_method, seed_plan, seed_line")
    cursor.execute("CREATE TEMP TABLE seed_customer AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, "
                   "id, email, first_name, last_name, language FROM customers_customer")
    cursor.execute("CREATE TEMP TABLE seed_product AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, "
                   "id, sku, name_fr, name_en, price_amount FROM catalog_product")
    cursor.execute("CREATE TEMP TABLE seed_method AS SELECT row_number() OVER (ORDER BY position, id) - 1 "
                   "AS k, id, name_fr, name_en, kind, fee_amount, free_shipping_threshold_amount "
                   "FROM shipping_deliverymethod")
    # One row per order: the random draws (the mixes of ``STATUS_MIX`` and ``PAYMENT_MIX``).
    cursor.execute("""
        CREATE TEMP TABLE seed_plan AS
        SELECT d.number, nextval(pg_get_serial_sequence('orders_order', 'id')) AS order_id,
               nextval(pg_get_serial_sequence('customers_address', 'id')) AS address_id,
               c.id AS customer_id, c.email, c.first_name, c.last_name, c.language,
               m.id AS method_id, m.name_fr AS method_fr, m.name_en AS method_en, m.kind,
               m.fee_amount, m.free_shipping_threshold_amount AS threshold, d.lines, d.base,
               CASE WHEN d.r_pay < 0.45 THEN 'cheque' WHEN d.r_pay < 0.85 THEN 'paypal'
                    WHEN d.r_pay < 0.90 THEN 'cod' ELSE '' END AS payment_method,
               CASE WHEN d.r_status < 0.15 THEN 'new' WHEN d.r_status < 0.30 THEN 'awaiting_payment'
                    WHEN d.r_status < 0.90 THEN 'completed' ELSE 'cancelled' END AS status,
               %(start)s::timestamptz + %(spacing)s::interval * (d.number - 1001) AS placed_at
        FROM (SELECT g AS number, random() AS r_customer, random() AS r_method, random() AS r_pay,
                     random() AS r_status, 1 + floor(random() * 3)::int AS lines,
                     floor(random() * 1000000)::int AS base
              FROM generate_series(%(first)s, %(last)s) AS g) AS d
        JOIN seed_customer c ON c.k = floor(d.r_customer * (SELECT count(*) FROM seed_customer))
        JOIN seed_method m ON m.k = floor(d.r_method * (SELECT count(*) FROM seed_method))
    """, {"start": start, "spacing": spacing, "first": first_number, "last": first_number + size - 1})
    cursor.execute("UPDATE seed_plan SET status = 'new' WHERE payment_method = '' AND status = 'completed'")
    cursor.execute("""
        CREATE TEMP TABLE seed_line AS
        SELECT p.number, p.order_id, i AS position, pr.id AS product_id, pr.sku, pr.name_fr, pr.name_en,
               pr.price_amount, q.quantity, round(pr.price_amount * q.quantity, 2) AS amount
        FROM seed_plan p
        CROSS JOIN LATERAL generate_series(0, p.lines - 1) AS i
        JOIN seed_product pr ON pr.k = mod(p.base + i, (SELECT count(*) FROM seed_product))
        CROSS JOIN LATERAL (SELECT 1 + floor(random() * 3)::int + 0 * i AS quantity) AS q
    """)
    cursor.execute("""
        ALTER TABLE seed_plan ADD COLUMN subtotal numeric, ADD COLUMN shipping numeric,
            ADD COLUMN gst numeric, ADD COLUMN qst numeric, ADD COLUMN invoice_id bigint,
            ADD COLUMN invoice_number bigint
    """)
    cursor.execute("UPDATE seed_plan p SET subtotal = l.total FROM (SELECT order_id, sum(amount) AS total "
                   "FROM seed_line GROUP BY order_id) l WHERE l.order_id = p.order_id")
    cursor.execute("UPDATE seed_plan SET shipping = CASE WHEN threshold IS NOT NULL "
                   "AND subtotal >= threshold THEN 0 ELSE fee_amount END")
    cursor.execute("UPDATE seed_plan SET gst = round((subtotal + shipping) * %s / 100, 2), "
                   "qst = round((subtotal + shipping) * %s / 100, 2)", [GST, QST])
    cursor.execute("""
        UPDATE seed_plan p SET invoice_id = nextval(pg_get_serial_sequence('invoicing_invoice', 'id')),
               invoice_number = %s + n.rank - 1
        FROM (SELECT order_id, row_number() OVER (ORDER BY number) AS rank FROM seed_plan
              WHERE payment_method <> '') n
        WHERE n.order_id = p.order_id
    """, [first_invoice])
    _insert(cursor, Address, {
        "id": "address_id", "first_name": "first_name", "last_name": "last_name", "company": "''",
        "line1": "(10 + mod(number, 9990))::text || ', rue Saint-Denis'", "line2": "''", "city": "'Montréal'",
        "province": "'QC'", "postal_code": "'H2J 2K9'", "country": "'CA'", "phone": "'514 555-0100'",
    }, "FROM seed_plan")
    total = "subtotal + shipping + gst + qst"
    _insert(cursor, Order, {
        "id": "order_id", "number": "number", "token": "gen_random_uuid()", "status": "status",
        "customer_id": "customer_id", "email": "email", "phone": "'514 555-0100'", "language": "language",
        "billing_address_id": "address_id",
        "shipping_address_id": "CASE WHEN kind = 'pickup' THEN NULL ELSE address_id END",
        "delivery_method_id": "method_id", "delivery_name_fr": "method_fr",
        "delivery_name_en": "method_en", "delivery_kind": "kind", "payment_method": "payment_method",
        "payment_instructions": "''", "tax_province": "'QC'", "subtotal_amount": "subtotal",
        "shipping_amount": "shipping", "insurance_amount": "0", "tax_total": "gst + qst",
        "total_amount": total, "placed_at": "placed_at", "updated_at": "placed_at",
        "invoice_paid": "payment_method <> '' AND status = 'completed'",
        "invoice_issued": "payment_method <> ''",
    }, "FROM seed_plan")
    _insert(cursor, OrderLine, {
        "order_id": "order_id", "product_id": "product_id", "sku": "sku", "name_fr": "name_fr",
        "name_en": "name_en", "unit_price_amount": "price_amount", "quantity": "quantity",
        "line_total_amount": "amount", "position": "position",
    }, "FROM seed_line")
    for position, (code, rate, column) in enumerate((("GST", GST, "gst"), ("QST", QST, "qst"))):
        _insert(cursor, OrderTax, {
            "order_id": "order_id", "code": f"'{code}'", "rate": f"{rate}", "amount": column,
            "position": str(position),
        }, "FROM seed_plan")
    _insert(cursor, OrderEvent, {
        "order_id": "order_id", "kind": f"'{OrderEvent.Kind.PLACED.value}'",
        "data": f"jsonb_build_object('number', number, 'total', ({total})::text)", "created_at": "placed_at",
    }, "FROM seed_plan")
    invoice_status = ("CASE status WHEN 'completed' THEN 'paid' WHEN 'cancelled' THEN 'cancelled' "
                      "ELSE 'unpaid' END")
    address_lines = ("jsonb_build_array(first_name || ' ' || last_name, (10 + mod(number, 9990))::text "
                     "|| ', rue Saint-Denis', 'Montréal (QC)  H2J 2K9')")
    _insert(cursor, Invoice, {
        "id": "invoice_id", "order_id": "order_id", "current_for_id": "order_id", "number": "invoice_number",
        "status": invoice_status, "issued_at": "placed_at",
        "paid_at": "CASE WHEN status = 'completed' THEN placed_at END", "language": "language",
        "payment_token": "gen_random_uuid()", "merchant": ("%s::jsonb", [json.dumps(merchant)]),
        "customer_name": "first_name || ' ' || last_name", "customer_email": "email",
        "billing_address": address_lines, "shipping_address": address_lines,
        "delivery_name_fr": "method_fr", "delivery_name_en": "method_en", "payment_method": "payment_method",
        "subtotal_amount": "subtotal", "shipping_amount": "shipping", "insurance_amount": "0",
        "tax_total": "gst + qst", "total_amount": total,
        "paid_amount": f"CASE WHEN status = 'completed' THEN {total} ELSE 0 END",
    }, "FROM seed_plan WHERE invoice_id IS NOT NULL")
    _insert(cursor, InvoiceLine, {
        "invoice_id": "p.invoice_id", "product_id": "l.product_id", "sku": "l.sku",
        "description_fr": "l.name_fr", "description_en": "l.name_en", "quantity": "l.quantity",
        "unit_price_amount": "l.price_amount", "amount": "l.amount", "position": "l.position",
    }, "FROM seed_line l JOIN seed_plan p ON p.order_id = l.order_id WHERE p.invoice_id IS NOT NULL")
    for position, (code, rate, column) in enumerate((("GST", GST, "gst"), ("QST", QST, "qst"))):
        _insert(cursor, InvoiceTax, {
            "invoice_id": "invoice_id", "code": f"'{code}'", "rate": f"{rate}", "amount": column,
            "position": str(position),
        }, "FROM seed_plan WHERE invoice_id IS NOT NULL")
    _insert(cursor, Payment, {
        "invoice_id": "invoice_id",
        "method": "CASE WHEN payment_method = 'paypal' THEN 'paypal' ELSE 'cheque' END",
        "amount": total, "reference": "''", "reversal_reason": "''", "created_at": "placed_at",
    }, "FROM seed_plan WHERE invoice_id IS NOT NULL AND status = 'completed'")
    cursor.execute("SELECT max(invoice_number) FROM seed_plan")
    last_invoice = cursor.fetchone()[0]
    if last_invoice is not None:
        Sequence.objects.filter(name="invoice").update(last_value=last_invoice)
    else:
        Sequence.objects.filter(name="invoice").update(last_value=first_invoice - 1)
CATALOGUE_WORDS = (
    ["Classique", "Moderne", "Compact", "Deluxe", "Écolo", "Ultra", "Futé", "Rétro", "Robuste",
     "Premium", "Simple", "Pro", "Léger", "Bio", "Sans fil", "Costaud"],
    ["Bouilloire", "Sac à dos", "Lampe", "Casque", "Chaise", "Carnet", "Veste", "Tasse", "Mélangeur",
     "Perceuse", "Tente", "Montre", "Enceinte", "Espadrilles", "Bureau", "Poêle", "Parapluie",
     "Clavier", "Gourde", "Foulard"],
)
CATALOGUE_SKU = "GEN"


def seed_catalogue(products: int, *, categories: int = 20, seed: int = 42) -> None:
    """Grow the catalogue to ``products`` visible products in at least ``categories`` categories
    (generated ones: ``gen-…`` categories, ``GEN…`` products without pictures, French names and
    descriptions of realistic length), like a real shop's."""
    from django.utils.text import slugify

    from comptoir.catalog.models import Category

    rng = random.Random(seed)
    missing = categories - Category.objects.count()
    if missing > 0:
        names = CATALOGUE_WORDS[1]
        Category.objects.bulk_create(
            Category(name_fr=f"{names[i % len(names)]} {i + 1}", name_en=f"{names[i % len(names)]} {i + 1}",
                     slug=f"gen-{i:02d}", position=100 + i, is_visible=True,
                     description_fr=f"Tous nos articles : {names[i % len(names)].lower()}.")
            for i in range(missing)
        )
    generated = list(Category.objects.filter(slug__startswith="gen-")) or list(Category.objects.all())
    missing = products - Product.objects.count()
    start = Product.objects.filter(sku__startswith=CATALOGUE_SKU).count()
    new = []
    for i in range(start, start + max(0, missing)):
        title = f"{rng.choice(CATALOGUE_WORDS[0])} {rng.choice(CATALOGUE_WORDS[1])} {i + 1:04d}"
        description = (f"{title}. Un article solide et bien conçu pour tous les jours. "
                       "Expédié en 2 jours ouvrables. ") * 3
        new.append(Product(
            category=generated[i % len(generated)], sku=f"{CATALOGUE_SKU}{i + 1:06d}", slug=slugify(title),
            name_fr=title, name_en=title, description_fr=description, description_en=description,
            price_amount=Decimal(rng.randrange(299, 29999)) / 100, stock=rng.randint(50, 1000),
            is_taxable=True, is_visible=True, position=i,
        ))
    with transaction.atomic():
        Product.objects.bulk_create(new, batch_size=1000)
