"""Two-factor sign-in for staff: the code asked after the password, the enrolment with an
authenticator app, the recovery codes and the account's « Double authentification » page."""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.security import two_factor
from comptoir.security.services import TooManyAttempts

from ..access import is_verified, password_checked_staff, staff_required
from ..forms import TwoFactorCodeForm

NEW_CODES_SESSION_KEY = "two_factor_new_codes"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("dashboard:order_list")


@password_checked_staff
def two_factor_verify(request):
    """After the password: the 6-digit code from the app, or a recovery code."""
    user = request.user
    if is_verified(user):
        return redirect(_next_url(request))
    if not two_factor.has_two_factor(user):
        return redirect(_next_url(request))  # the page itself sends to enrolment if required
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify_two_factor(user, form.cleaned_data["code"])
        except TooManyAttempts as refusal:
            form.add_error(None, str(refusal))
            status = 429
        except DomainError as error:
            form.add_error("code", str(error))
            status = 400
        else:
            django_otp.login(request, device)
            if device.persistent_id.startswith("otp_static."):
                left = two_factor.recovery_codes_left(user)
                messages.warning(request, _(
                    "You signed in with a recovery code: %(count)s left. Make new ones on the "
                    "« Two-factor sign-in » page if you are running out."
                ) % {"count": left})
            return redirect(_next_url(request))
    elif form.is_bound:
        status = 400
    return render(request, "dashboard/two_factor/verify.html",
                  {"form": form, "next": _next_url(request)}, status=status)


@password_checked_staff
def two_factor_setup(request):
    """Enrolment: scan the QR code (or type the secret), confirm with a code; then the recovery
    codes. A staff member who has a device must first give a code from it."""
    user = request.user
    if two_factor.has_two_factor(user) and not is_verified(user):
        return redirect(f"{reverse('dashboard:two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor.pending_device(user)
    form = TwoFactorCodeForm(request.POST or None, digits_only=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_two_factor(user, form.cleaned_data["code"], actor=user)
        except TooManyAttempts as refusal:
            form.add_error(None, str(refusal))
            status = 429
        except DomainError as error:
            form.add_error("code", str(error))
            status = 400
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = {"codes": codes, "next": _next_url(request)}
            return redirect("dashboard:two_factor_codes")
    elif form.is_bound:
        status = 400
    secret = b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#1f2a2a", light="#ffffff", title=_("QR code to scan with the authenticator app")
    )
    return render(request, "dashboard/two_factor/setup.html", {
        "form": form, "next": _next_url(request), "qr_svg": qr_svg,
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "required": two_factor.two_factor_required(user), "replacing": two_factor.has_two_factor(user),
    }, status=status)


@staff_required
def two_factor_codes(request):
    """The new recovery codes, shown until the staff member says they are kept."""
    new = request.session.get(NEW_CODES_SESSION_KEY)
    if not new:
        return redirect("dashboard:two_factor")
    if request.method == "POST":
        del request.session[NEW_CODES_SESSION_KEY]
        return redirect(new["next"] if url_has_allowed_host_and_scheme(
            new["next"], allowed_hosts={request.get_host()}) else reverse("dashboard:two_factor"))
    return render(request, "dashboard/two_factor/codes.html", {"codes": new["codes"]})


@staff_required
def two_factor_codes_download(request):
    new = request.session.get(NEW_CODES_SESSION_KEY)
    if not new:
        return redirect("dashboard:two_factor")
    lines = [
        _("Recovery codes for %(account)s – %(shop)s")
        % {"account": request.user.get_username(), "shop": two_factor.issuer_name()},
        _("Each code signs in once, instead of a code from the app."), "",
        *new["codes"], "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="comptoir-recovery-codes.txt"'
    return response


@staff_required
def two_factor_manage(request):
    user = request.user
    return render(request, "dashboard/two_factor/manage.html", {
        "enabled": two_factor.has_two_factor(user), "required": two_factor.two_factor_required(user),
        "codes_left": two_factor.recovery_codes_left(user), "form": TwoFactorCodeForm(),
    })


@staff_required
@require_POST
def two_factor_new_codes(request):
    try:
        codes = two_factor.regenerate_recovery_codes(request.user, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("dashboard:two_factor")
    request.session[NEW_CODES_SESSION_KEY] = {"codes": codes, "next": reverse("dashboard:two_factor")}
    return redirect("dashboard:two_factor_codes")


@staff_required
@require_POST
def two_factor_disable(request):
    user = request.user
    form = TwoFactorCodeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            two_factor.disable_two_factor(user, form.cleaned_data["code"], actor=user)
        except TooManyAttempts as refusal:
            form.add_error(None, str(refusal))
            status = 429
        except DomainError as error:
            form.add_error("code", str(error))
        else:
            if two_factor.two_factor_required(user):
                messages.warning(request, _(
                    "Two-factor sign-in is required for your account: set it up with your new phone."))
                return redirect("dashboard:two_factor_setup")
            messages.success(request, _("Two-factor sign-in is turned off."))
            return redirect("dashboard:two_factor")
    return render(request, "dashboard/two_factor/manage.html", {
        "enabled": two_factor.has_two_factor(user), "required": two_factor.two_factor_required(user),
        "codes_left": two_factor.recovery_codes_left(user), "form": form,
    }, status=status)
