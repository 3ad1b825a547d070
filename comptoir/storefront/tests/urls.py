"""The project's URLs plus two pages that fail on purpose, for the tests of the error pages."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from comptoir import urls as project_urls


def refused(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    *i18n_patterns(path("essai/refus/", refused), path("essai/panne/", broken)),
    *project_urls.urlpatterns,
]
handler403 = project_urls.handler403
