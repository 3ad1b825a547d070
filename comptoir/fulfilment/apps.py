from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "comptoir.fulfilment"
    label = "fulfilment"
