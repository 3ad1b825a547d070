from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    """Back-office « Configuration », « Produits » and « Catégories » screens."""

    name = "comptoir.configuration"
    label = "configuration"
