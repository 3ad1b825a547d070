from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "comptoir.shipping"
    label = "shipping"
