"""The language switch of every page (storefront and back-office).

Django's ``set_language`` finds the page to go back to in the other language with
``translate_url``, which reads the address in the *active* language. ``/i18n/setlang/`` has no
language prefix, so the active language there is the browser's (``Accept-Language``) or the
cookie's: an English browser on ``/fr/recherche/`` could not resolve that French address and
was sent back to it. Here the address is read in the language of its own prefix.
"""

from urllib.parse import urlsplit

from django.utils import translation
from django.views.i18n import set_language as django_set_language


def set_language(request):
    """Set the language cookie and go to the same page (same query string) in that language."""
    target = request.POST.get("next", request.GET.get("next")) or request.META.get("HTTP_REFERER", "")
    try:
        page_language = translation.get_language_from_path(urlsplit(target).path)
    except ValueError:  # not an address (« http://[ »): Django's view ignores it too
        page_language = None
    if page_language is None:
        return django_set_language(request)
    with translation.override(page_language):
        return django_set_language(request)
