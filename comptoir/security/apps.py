from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "comptoir.security"
    label = "security"
