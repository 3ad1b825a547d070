"""A few demo orders in the four situations of the help-centre article, so the back-office
is not empty. They go through the real services (checkout, invoicing, payments, order status),
so stock, invoices, timelines and outbox messages are what a real shop would have."""

import importlib.util

from django.contrib.auth import get_user_model

from comptoir.catalog.models import Product
from comptoir.customers.models import Address
from comptoir.orders.models import Order
from comptoir.shipping.models import DeliveryMethod

from .shop import STAFF_USERNAME

# (first name, last name, email, language, street, city, province, postal code, phone)
CUSTOMERS = {
    "marie": ("Marie", "Tremblay", "marie.tremblay@example.com", "fr",
              "4567, avenue du Parc", "Montréal", "QC", "H2V 4E7", "514 555-0142"),
    "jf": ("Jean-François", "Côté", "jf.cote@example.com", "fr",
           "88, rue Saint-Joseph Est", "Québec", "QC", "G1K 3A6", "418 555-0177"),
    "sophie": ("Sophie", "Lavoie", "sophie.lavoie@example.com", "fr",
               "1200, boulevard René-Lévesque Ouest", "Montréal", "QC", "H3B 4W8", "514 555-0110"),
    "emily": ("Emily", "Walsh", "emily.walsh@example.com", "en",
              "250 Bank Street", "Ottawa", "ON", "K2P 1X4", "613 555-0135"),
    "luc": ("Luc", "Bergeron", "luc.bergeron@example.com", "fr",
            "3300, rue Masson", "Montréal", "QC", "H1Y 1X9", "514 555-0186"),
    "nathalie": ("Nathalie", "Roy", "nathalie.roy@example.com", "fr",
                 "15, rue King Ouest", "Sherbrooke", "QC", "J1H 1N5", "819 555-0163"),
    "david": ("David", "Chen", "david.chen@example.com", "en",
              "5150, rue Sherbrooke Ouest", "Montréal", "QC", "H4A 1T6", "514 555-0158"),
}

# (key, customer, [(SKU, quantity)], delivery kind, payment method, what the merchant did)
ORDERS = (
    ("demo-1", "marie", [("CAF-001", 2), ("ERA-001", 1)], "shipped", "cheque", "new"),
    ("demo-2", "jf", [("THE-002", 1), ("CON-001", 2), ("CHO-003", 1)], "local", "cheque", "awaiting"),
    ("demo-3", "sophie", [("CER-003", 1), ("THE-001", 2)], "shipped", "cheque", "paid_completed"),
    ("demo-4", "emily", [("ERA-003", 2), ("ERA-005", 3)], "shipped", "paypal", "paid_online"),
    ("demo-5", "luc", [("SAV-002", 3), ("SAV-004", 2)], "pickup", "cod", "new"),
    ("demo-6", "nathalie", [("CHO-001", 4)], "shipped", "cheque", "cancelled"),
    ("demo-7", "david", [("CAF-004", 1), ("CER-001", 2)], "pickup", "cheque", "awaiting"),
    ("demo-8", "marie", [("THE-001", 1), ("ERA-001", 1)], "shipped", "interac", "awaiting"),
)


def load_demo_orders(report) -> int:
    """Place the demo orders that do not exist yet; returns how many were placed."""
    try:
        from comptoir.checkout.services import place_order  # noqa: F401
        from comptoir.orders.services import change_order_status  # noqa: F401
        from comptoir.payments.services import record_payment  # noqa: F401
    except ImportError as error:
        report.notes.append(f"demo orders skipped: {error}")
        return 0
    staff = get_user_model().objects.get(username=STAFF_USERNAME)
    created = 0
    for key, customer_key, items, delivery_kind, payment_method, outcome in ORDERS:
        if Order.objects.filter(checkout_token=key).exists():
            continue
        # Placing and processing are two transactions, as they are in the shop: one transaction
        # holding both would lock the order after the products it took at checkout, against the
        # lock order of ``core.locks``. Messages are delivered only after each commit.
        order = _place(key, CUSTOMERS[customer_key], items, delivery_kind, payment_method)
        _process(order, outcome, actor=staff)
        created += 1
    return created


def _place(key, customer, items, delivery_kind, payment_method) -> Order:
    from comptoir.checkout.models import Cart, CartLine
    from comptoir.checkout.services import place_order

    first_name, last_name, email, language, street, city, province, postal_code, phone = customer
    method = DeliveryMethod.objects.filter(kind=delivery_kind, is_active=True).order_by("position").first()
    products = Product.objects.in_bulk([sku for sku, _quantity in items], field_name="sku")
    cart = Cart.objects.create()
    for sku, quantity in items:
        CartLine.objects.create(cart=cart, product=products[sku], quantity=quantity)

    def address():
        return Address(first_name=first_name, last_name=last_name, line1=street, city=city,
                       province=province, postal_code=postal_code, phone=phone)

    return place_order(
        cart, email=email, phone=phone, billing_address=address(),
        shipping_address=None if method.is_pickup else address(), delivery_method=method,
        payment_method=payment_method, language=language, checkout_token=key,
    )


def _process(order: Order, outcome: str, *, actor) -> None:
    """What the merchant (or PayPal) did with the order, through the same services."""
    from comptoir.invoicing.services import change_order_status
    from comptoir.orders.services import send_payment_confirmation
    from comptoir.payments.models import Payment
    from comptoir.payments.services import record_payment

    status = Order.Status
    if outcome == "awaiting":
        change_order_status(order, to=status.AWAITING_PAYMENT, actor=actor)
    elif outcome == "paid_completed":
        change_order_status(order, to=status.AWAITING_PAYMENT, actor=actor)
        record_payment(order.invoice, method=Payment.Method.CHEQUE, actor=actor, reference="Chèque nº 512")
        change_order_status(order, to=status.COMPLETED, actor=actor)
        if _messages_available():
            send_payment_confirmation(order, actor=actor)
    elif outcome == "paid_online":
        # What the PayPal capture confirmation does: a payment with the provider's reference.
        record_payment(order.invoice, method=Payment.Method.PAYPAL, amount=None,
                       provider_reference=f"DEMO-CAPTURE-{order.number}")
        change_order_status(order, to=status.COMPLETED, actor=None)
        _queue_payment_received(order)
    elif outcome == "cancelled":
        change_order_status(order, to=status.CANCELLED, actor=actor)


def _queue_payment_received(order: Order) -> None:
    if _messages_available():
        from comptoir.orders.messages import queue_payment_confirmation_messages

        queue_payment_confirmation_messages(order, event="received")


def _messages_available() -> bool:
    return importlib.util.find_spec("comptoir.orders.messages") is not None
