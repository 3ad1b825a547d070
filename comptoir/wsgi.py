import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
application = get_wsgi_application()
# What is loaded now (Django, the apps, the URLs) lives as long as the process: it is moved out of
# the garbage collector's reach, so that its passes during requests no longer walk it (measured on
# the order list: 0.5 – 0.6 → 0.25 ms of collection per request).
get_resolver().url_patterns  # noqa: B018 - loads the URL configuration now
gc.freeze()
