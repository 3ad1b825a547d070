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

from comptoir.catalog.models import Product
from comptoir.core.models import Sequence
from comptoir.core.money import ZERO, quantize
from comptoir.customers.models import Address, Customer, customer_search_name
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


def seed_orders(count: int, *, seed: int = 42) -> None:
    """Add ``count`` orders after the existing ones."""
    rng = random.Random(seed + Order.objects.count())
    context = {
        "customers": ensure_customers(),
        "products": list(Product.objects.order_by("id")),
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
    lines = [(product, rng.randint(1, 3)) for product in products]
    subtotal = sum((quantize(p.price_amount * q) for p, q in lines), ZERO)
    shipping = method.fee_for(subtotal)
    taxes = [("GST", GST, quantize((subtotal + shipping) * GST / 100)),
             ("QST", QST, quantize((subtotal + shipping) * QST / 100))]
    tax_total = taxes[0][2] + taxes[1][2]
    payment_method = _choose(rng, PAYMENT_MIX)
    status = _choose(rng, STATUS_MIX)
    if not payment_method and status == Order.Status.COMPLETED:
        status = Order.Status.NEW
    # Five minutes apart, starting two years ago: 100,000 orders span about a year.
    placed_at = context["now"] - timedelta(days=730) + timedelta(minutes=5 * (number - 1000))
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
        for position, (product, quantity) in enumerate(plan["lines"]):
            lines.append(OrderLine(
                order=order, product=product, sku=product.sku, name_fr=product.name_fr,
                name_en=product.name_en, unit_price_amount=product.price_amount, quantity=quantity,
                line_total_amount=quantize(product.price_amount * quantity), position=position,
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
        for position, (product, quantity) in enumerate(plan["lines"]):
            lines.append(InvoiceLine(invoice=invoice, sku=product.sku, description_fr=product.name_fr,
                                     description_en=product.name_en, quantity=quantity,
                                     unit_price_amount=product.price_amount,
                                     amount=quantize(product.price_amount * quantity), position=position))
        for position, (code, rate, amount) in enumerate(plan["taxes"]):
            taxes.append(InvoiceTax(invoice=invoice, code=code, rate=rate, amount=amount, position=position))
        if invoice.status == Invoice.Status.PAID:
            method = "paypal" if invoice.payment_method == "paypal" else "cheque"
            payments.append(Payment(invoice=invoice, method=method, amount=invoice.total_amount))
    InvoiceLine.objects.bulk_create(lines, batch_size=BATCH)
    InvoiceTax.objects.bulk_create(taxes, batch_size=BATCH)
    Payment.objects.bulk_create(payments, batch_size=BATCH)


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
