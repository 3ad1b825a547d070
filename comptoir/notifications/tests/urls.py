"""Used only while the storefront's order page is not routed: the links in messages need it."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path


def order_page(request, token):
    return HttpResponse(str(token))


storefront = ([path("commande/<uuid:token>/", order_page, name="order_detail")], "storefront")

urlpatterns = i18n_patterns(
    path("gestion/", include("comptoir.dashboard.urls")),
    path("", include(storefront)),
    prefix_default_language=True,
)
