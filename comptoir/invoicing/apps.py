from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "comptoir.invoicing"
    label = "invoicing"
