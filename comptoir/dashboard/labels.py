"""Display labels of statuses and methods owned by other apps, as the back-office names them."""

from django.utils.translation import gettext_lazy as _

INVOICE_STATUS_LABELS = {
    "unpaid": _("Unpaid"),
    "paid": _("Paid"),
    "cancelled": _("Cancelled"),
}

# What the merchant can pick in « Information de paiement ». PayPal payments are recorded by
# the PayPal integration, never typed in by hand; "" records no method (« Aucun »).
PAYMENT_METHOD_LABELS = {
    "": _("None"),
    "cheque": _("Cheque"),
    "money_order": _("Money order"),
    "transfer": _("Bank transfer"),
    "interac": _("Interac e-Transfer"),
    "cash": _("Cash"),
    "terminal": _("Store terminal"),
}

ALL_PAYMENT_METHOD_LABELS = {**PAYMENT_METHOD_LABELS, "paypal": _("PayPal")}

NOTIFICATION_STATUS_LABELS = {
    "pending": _("Queued"),
    "sent": _("Sent"),
    "failed": _("Failed"),
}

NOTIFICATION_TEMPLATE_LABELS = {
    "order_placed": _("Order confirmation"),
    "order_confirmation": _("Order confirmation"),
    "new_order": _("New order alert"),
    "payment_confirmation": _("Payment confirmation"),
    "payment_received": _("Payment received alert"),
    "payment_recorded": _("Payment recorded alert"),
    "invoice": _("Invoice"),
    "order_shipped": _("Order shipped"),
    "ready_for_pickup": _("Ready for pickup"),
    "payment_reminder": _("Payment reminder"),
    "unpaid_summary": _("Unpaid invoices summary"),
}
