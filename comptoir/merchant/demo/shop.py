"""The demo shop's business information, payment settings and default delivery methods."""

from decimal import Decimal

SHOP = {
    "legal_name": "Épicerie fine du Plateau inc.",
    "trade_name": "Le Comptoir du Plateau",
    "address_line1": "4321, rue Saint-Denis",
    "address_line2": "",
    "city": "Montréal",
    "province": "QC",
    "postal_code": "H2J 2K9",
    "phone": "514 555-0123",
    "email": "bonjour@comptoir-du-plateau.example",
    "website": "https://comptoir-du-plateau.example",
    "gst_number": "812345678 RT 0001",
    "qst_number": "1223456789 TQ 0001",
    "neq": "1171234567",
    "is_tax_registered": True,
    "invoice_footer_fr": (
        "Payable sur réception. Merci d'encourager une épicerie de quartier!"
    ),
    "invoice_footer_en": (
        "Payable upon receipt. Thank you for supporting a neighbourhood grocer!"
    ),
    "return_policy_fr": (
        "Vous pouvez retourner un article non ouvert dans les 30 jours suivant la réception pour "
        "un remboursement complet. Les produits alimentaires ouverts ne sont ni repris ni échangés. "
        "Vous pouvez annuler une commande sans frais tant qu'elle n'a pas été expédiée : "
        "écrivez-nous à bonjour@comptoir-du-plateau.example."
    ),
    "return_policy_en": (
        "You may return an unopened item within 30 days of receipt for a full refund. Opened food "
        "products cannot be returned or exchanged. You may cancel an order free of charge until it "
        "has shipped: write to bonjour@comptoir-du-plateau.example."
    ),
    "order_details_only": False,
    "catalogue_mode": False,
    "insurance_fee_amount": Decimal("0.00"),
    "paypal_enabled": True,
    "cheque_enabled": True,
    "cheque_instructions_fr": (
        "Chèque ou mandat-poste à l'ordre d'Épicerie fine du Plateau inc., envoyé au "
        "4321, rue Saint-Denis, Montréal (QC) H2J 2K9.\n"
        "Virement bancaire : Caisse Desjardins du Plateau, institution 815, transit 30012, "
        "compte 0456789.\n"
        "Indiquez votre numéro de commande. La commande est expédiée dès la réception du paiement."
    ),
    "cheque_instructions_en": (
        "Cheque or money order payable to Épicerie fine du Plateau inc., mailed to "
        "4321 Saint-Denis Street, Montréal, QC H2J 2K9.\n"
        "Bank transfer: Caisse Desjardins du Plateau, institution 815, transit 30012, "
        "account 0456789.\n"
        "Quote your order number. The order ships as soon as the payment is received."
    ),
    "cash_on_delivery_enabled": True,
    "interac_enabled": True,
    "interac_email": "paiements@comptoir-du-plateau.example",
    "interac_autodeposit": True,
    "alert_email": "commandes@comptoir-du-plateau.example",
    "alert_mobile": "514 555-0199",
    "alert_language": "fr",
    "alert_new_order": "email",
    "alert_payment_received": "email",
    "alert_payment_recorded": "email",
}

# The three default « Types de livraison » (PRODUCT.md §2), as a new shop gets them:
# (code, kind, French name, English name, fee, free from, delay FR, delay EN, description FR, EN)
DEFAULT_DELIVERY_METHODS = (
    ("livraison-domicile", "shipped", "Livraison à domicile", "Home delivery", "12.00", "150.00",
     "3 à 5 jours ouvrables", "3 to 5 business days",
     "Livrée à votre porte par Postes Canada ou un transporteur.",
     "Delivered to your door by Canada Post or a courier."),
    ("cueillette", "pickup", "Cueillette en magasin", "Store pickup", "0.00", None,
     "Prête en 24 heures", "Ready within 24 hours",
     "Passez chercher votre commande au magasin, sans frais.",
     "Pick up your order at the shop, free of charge."),
    ("livraison-locale", "local", "Livraison locale", "Local delivery", "6.00", "75.00",
     "1 à 2 jours ouvrables", "1 to 2 business days",
     "Nous livrons nous-mêmes sur l'île de Montréal.",
     "We deliver ourselves on the island of Montréal."),
)

STAFF_USERNAME = "marchand"
STAFF_DEFAULT_PASSWORD = "comptoir-demo"
