"""Small helpers about requests shared by the storefront and the back-office."""

from django.utils.http import url_has_allowed_host_and_scheme


def same_site_url(request, target: str) -> str:
    """``target`` when it is an address of this site (safe to send the visitor to), else ""."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def next_url(request) -> str:
    """The ``next`` parameter of a form or link, when it is an address of this site, else ""."""
    return same_site_url(request, request.POST.get("next") or request.GET.get("next") or "")
