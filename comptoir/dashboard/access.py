"""Who may enter the back-office: staff accounts only."""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


def staff_required(view):
    """Anonymous visitors go to the back-office login; signed-in customers get a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.DASHBOARD_LOGIN_URL)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(_("This page is reserved for the shop's staff."))
        return view(request, *args, **kwargs)

    return wrapper


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _(
            "This account is a customer account: it has no access to the back-office. "
            "Use the shop's customer area instead."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")
