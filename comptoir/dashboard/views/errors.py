"""The back-office's error pages: « Accès refusé » (the project's ``handler403``) and « La page a
expiré » (the project's ``CSRF_FAILURE_VIEW``).

A refusal under the back-office's address gets a page in the back-office's look that says why
and offers to log out or to go to the shop; any other refusal gets the shop's own 403 page.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views import defaults

from comptoir.core.http import same_site_url


def permission_denied(request, exception):
    if not _in_back_office(request):
        return defaults.permission_denied(request, exception)
    return render(request, "dashboard/403.html", {"exception": str(exception or "")}, status=403)


def csrf_failure(request, reason=""):
    """A form sent without its valid security token: the page was open for too long, the visitor
    logged in or out in another tab, or the browser refuses the site's cookie. Says so and offers
    to reload the page the form was on; in the back-office's look under its address, in the
    shop's elsewhere. (The CSRF middleware has already logged ``reason``.)"""
    template = "dashboard/csrf_failure.html" if _in_back_office(request) else (
        "storefront/csrf_failure.html"
    )
    return render(request, template, {"form_page": _form_page(request)}, status=403)


def _in_back_office(request) -> bool:
    return request.path.startswith(reverse("dashboard:home"))


def _form_page(request) -> str:
    """The page the refused form was on (its ``Referer``) when it is a page of this site."""
    return same_site_url(request, request.META.get("HTTP_REFERER", ""))
