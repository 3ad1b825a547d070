from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "comptoir.banking"
    label = "banking"
