"""The sign-in backend of customers and staff: Django's ``ModelBackend`` (same passwords, same
checks, same permissions), whose ``get_user`` reads the signed-in account with SQL written once
(``core.prepared``). Every signed-in request reads that row: the ORM spent about twice as much
CPU writing the query as the query cost to run."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from comptoir.core.prepared import PreparedQuery

PATH = "comptoir.security.backends.ModelBackend"  # as in ``AUTHENTICATION_BACKENDS``

_USER = PreparedQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk), pk=(1, 2))


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        """As Django's: the active account of that id, or None."""
        rows = _USER(pk=user_id)
        user = rows[0] if rows else None
        return user if user is not None and self.user_can_authenticate(user) else None
