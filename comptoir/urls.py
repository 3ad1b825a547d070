from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve

from comptoir.core.language import set_language
from comptoir.operations import health
from comptoir.operations.observability import metrics_view


def serve_public_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # process and database (monitoring)
    path("readyz", health.readyz, name="readyz"),  # + outbox and task worker
    path("i18n/setlang/", set_language, name="set_language"),
    path("metrics", metrics_view, name="metrics"),  # Prometheus (METRICS_TOKEN)
    path("paiements/", include("comptoir.paypal.urls")),  # provider callbacks (webhooks)
]
if settings.SERVE_MEDIA:
    # The demo and DEBUG only: in production the front server serves these same folders
    # (docs/DEPLOY.md). Only the catalogue pictures and the logo are public; stored invoice PDFs
    # (``invoices/``) are never served by URL: the back-office and the order page stream them
    # after their checks, emails attach them.
    urlpatterns.append(re_path(
        r"^media/(?P<path>(?:products|categories|merchant)/[^/]+)$", serve_public_media,
        name="public_media",
    ))

urlpatterns += i18n_patterns(
    path("gestion/", include("comptoir.dashboard.urls")),
    path("gestion/", include("comptoir.configuration.urls")),
    path("payer/", include("comptoir.paypal.public_urls")),  # payment links of invoices
    path("", include("comptoir.storefront.urls")),
    prefix_default_language=True,
)

# Error pages: 404.html and 500.html are the shop's (comptoir/storefront/templates); a refusal
# under the back-office's address gets the back-office's own 403 page, any other the shop's.
handler403 = "comptoir.dashboard.views.errors.permission_denied"
