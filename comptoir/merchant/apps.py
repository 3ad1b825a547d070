from django.apps import AppConfig


class MerchantConfig(AppConfig):
    name = "comptoir.merchant"
    label = "merchant"
