"""Back-office accounts (owner only)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.merchant.models import ShopSettings
from comptoir.security.two_factor import remove_two_factor

from .. import selectors, services
from ..forms.staff import StaffAccountForm, StaffTwoFactorForm
from ..permissions import owner_required


@owner_required
def staff_list(request):
    return render(request, "configuration/staff/list.html", {
        "nav": "settings", "tab": "staff", "accounts": selectors.staff_accounts(),
        "two_factor_form": StaffTwoFactorForm(instance=ShopSettings.load()),
    })


@owner_required
@require_POST
def staff_two_factor(request):
    """Require two-factor sign-in for every staff account, or for the owners only."""
    shop = ShopSettings.load()
    form = StaffTwoFactorForm(request.POST, instance=shop)
    form.is_valid()  # a checkbox: absent means off, anything else means on
    form.save(commit=False).save(update_fields=["staff_two_factor_required", "updated_at"])
    messages.success(request, _("The changes have been saved."))
    return redirect("configuration:staff_list")


@owner_required
def staff_create(request):
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            user = services.create_staff_account(
                username=data["username"], email=data["email"], password=data["password1"],
                owner=data["role"] == "owner", actor=request.user,
            )
            messages.success(request, _("The account %(username)s has been created.")
                             % {"username": user.username})
            return redirect("configuration:staff_list")
    return render(request, "configuration/staff/form.html",
                  {"nav": "settings", "tab": "staff", "form": form},
                  status=400 if form.is_bound else 200)


@owner_required
@require_POST
def staff_set_active(request, pk):
    user = get_object_or_404(get_user_model(), pk=pk, is_staff=True)
    active = request.POST.get("active") == "1"
    try:
        services.set_staff_active(user, active=active, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        text = _("The account %(username)s is active.") if active else _(
            "The account %(username)s has been deactivated.")
        messages.success(request, text % {"username": user.username})
    return redirect("configuration:staff_list")


@owner_required
@require_POST
def staff_reset_two_factor(request, pk):
    """A staff member lost their phone and their recovery codes: the owner removes the device;
    they sign in with their password and set up the app again if it is required for them."""
    user = get_object_or_404(get_user_model(), pk=pk, is_staff=True)
    if user.pk == request.user.pk:
        messages.error(request, _("Use the « Two-factor sign-in » page to change your own phone."))
        return redirect("configuration:staff_list")
    remove_two_factor(user, actor=request.user)
    messages.success(request, _("Two-factor sign-in of %(username)s has been reset.")
                     % {"username": user.username})
    return redirect("configuration:staff_list")
