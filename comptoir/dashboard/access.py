"""Who may enter the back-office: staff accounts only, with their second factor when they
have one or must have one (``security.two_factor``)."""

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.security.two_factor import has_two_factor, two_factor_required


def staff_required(view):
    """Anonymous visitors go to the back-office login; signed-in customers get a 403; staff
    who have not given their two-factor code go to the code page (or to enrolment)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refusal = staff_signed_in_refusal(request) or two_factor_refusal(request)
        return refusal or view(request, *args, **kwargs)

    return wrapper


def password_checked_staff(view):
    """The pages of the second step of the sign-in: staff who gave their password."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return staff_signed_in_refusal(request) or view(request, *args, **kwargs)

    return wrapper


def staff_signed_in_refusal(request):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse(settings.DASHBOARD_LOGIN_URL))
    if not (user.is_active and user.is_staff):
        raise PermissionDenied(_("This page is reserved for the shop's staff."))
    return None


def two_factor_refusal(request):
    """None when this session may use the back-office; otherwise the redirect to the code page
    (the account has a device and this session gave no code yet) or to enrolment (the account
    must have a device and has none). The page asked for comes back as ``next``."""
    user = request.user
    if is_verified(user):
        return None
    if has_two_factor(user):
        return _redirect_with_next("dashboard:two_factor_verify", request)
    if two_factor_required(user):
        return _redirect_with_next("dashboard:two_factor_setup", request)
    return None


def is_verified(user) -> bool:
    """This session gave a valid code (django-otp's ``OTPMiddleware`` sets ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def _redirect_with_next(name: str, request):
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


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
