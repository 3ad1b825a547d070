from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .page_cache import migrated

        post_migrate.connect(migrated, dispatch_uid="page_cache:migrate")
