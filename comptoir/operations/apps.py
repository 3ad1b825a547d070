from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What the operator watches and runs across the shop: health checks, metrics, request ids,
    housekeeping. It reads every domain app; none depends on it."""

    name = "comptoir.operations"
    label = "operations"
