"""Who may enter the back-office: staff accounts only, with their second factor when they
have one or must have one (``security.two_factor``)."""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.core.prepared import PreparedQuery
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.health import OUTBOX_FIELDS, OutboxHealth, health_from, outbox_subqueries
from comptoir.security.roles import OWNER_GROUP, remember_owner_group
from comptoir.security.two_factor import two_factor_required


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
    state = staff_page_state(request)
    if state.has_device:
        return _redirect_with_next("dashboard:two_factor_verify", request)
    if two_factor_required(user, all_staff=state.staff_two_factor_required):
        return _redirect_with_next("dashboard:two_factor_setup", request)
    return None


@dataclass(frozen=True)
class StaffPageState:
    """What a back-office page reads about its staff member and the shop before its own
    content: the second-factor device, the owner group, whether all staff must use a second
    factor, and the outbox's health for the banner."""

    has_device: bool
    staff_two_factor_required: bool
    outbox: OutboxHealth


def _page_state_query(user_id: int):
    return get_user_model().objects.filter(pk=user_id).values("pk").annotate(
        has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        in_owner_group=Exists(Group.objects.filter(user=OuterRef("pk"), name=OWNER_GROUP)),
        # No settings row yet: ``ShopSettings.load()`` would create it with the default, False.
        staff_two_factor_required=Subquery(
            ShopSettings.objects.filter(pk=1).values("staff_two_factor_required")[:1]),
        **outbox_subqueries(),
    )


# Its SQL is written once per database (``core.prepared``): building and compiling this query
# cost ten times what running it costs.
_PAGE_STATE = PreparedQuery(_page_state_query, user_id=(1, 2))


def staff_page_state(request) -> StaffPageState:
    """Read in one query, once per request (signed-in staff only): the five reads of
    ``has_two_factor``, ``is_shop_owner``, ``two_factor_required`` and ``outbox_health`` as
    subqueries of one. Whether the member is an owner is kept on ``request.user`` for
    ``is_shop_owner``."""
    state = getattr(request, "_comptoir_staff_state", None)
    if state is not None:
        return state
    user = request.user
    rows = _PAGE_STATE(user_id=user.pk)
    row = rows[0] if rows else {}
    remember_owner_group(user, bool(row.get("in_owner_group")))
    state = StaffPageState(
        has_device=bool(row.get("has_device")),
        staff_two_factor_required=bool(row.get("staff_two_factor_required")),
        outbox=health_from({key: row.get(key) for key in OUTBOX_FIELDS}),
    )
    request._comptoir_staff_state = state
    return state


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
