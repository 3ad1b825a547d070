from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("paiements/", include("comptoir.payments.urls")),  # provider callbacks (webhooks)
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

urlpatterns += i18n_patterns(
    path("gestion/", include("comptoir.dashboard.urls")),
    path("gestion/", include("comptoir.configuration.urls")),
    path("payer/", include("comptoir.payments.public_urls")),  # payment links of invoices
    path("", include("comptoir.storefront.urls")),
    prefix_default_language=True,
)
