from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "comptoir.customers"
    label = "customers"
