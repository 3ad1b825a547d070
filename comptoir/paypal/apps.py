from django.apps import AppConfig


class PayPalConfig(AppConfig):
    name = "comptoir.paypal"
    label = "paypal"
    verbose_name = "PayPal"
