"""Who may use the back-office screens of this app.

Staff use « Produits » and « Catégories »; only the shop owner (a superuser or a member of the
group « Propriétaire ») changes the « Configuration » and the staff accounts.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from comptoir.security.roles import OWNER_GROUP, is_shop_owner

__all__ = ["OWNER_GROUP", "is_shop_owner", "owner_required", "staff_required"]


def _check_staff(request):
    """None when the user is active staff (with the second factor the back-office asks for),
    the login page for an anonymous visitor; anyone else is refused with the back-office's 403
    page (the project's ``handler403``)."""
    from comptoir.dashboard.access import two_factor_refusal

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), resolve_url(settings.DASHBOARD_LOGIN_URL))
    if not (user.is_active and user.is_staff):
        raise PermissionDenied(_("This page is reserved for the shop's staff."))
    return two_factor_refusal(request)


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refusal = _check_staff(request)
        return refusal or view(request, *args, **kwargs)

    return wrapper


def owner_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refusal = _check_staff(request)
        if refusal:
            return refusal
        if not is_shop_owner(request.user):
            # The 403 page shows this reason to staff.
            raise PermissionDenied(
                _("Only the shop owner can change the settings and the staff accounts.")
            )
        return view(request, *args, **kwargs)

    return wrapper
