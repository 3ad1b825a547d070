"""« Configuration » tabs that edit the shop's settings (owner only)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from comptoir.core.shared_state import configuration_changed
from comptoir.merchant.models import ShopSettings

from ..forms.reports import ReportSettingsForm
from ..forms.settings import BusinessInfoForm, NotificationSettingsForm, PaymentSettingsForm
from ..permissions import owner_required
from ..selectors import paypal_status


def _edit_settings(request, *, form_class, template: str, tab: str, extra=None, for_new_orders=True):
    shop = ShopSettings.load()
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, instance=shop)
        if form.is_valid():
            # Only this tab's fields are written, so two tabs saved at once do not undo each other.
            form.save(commit=False).save(update_fields=[*form.Meta.fields, "updated_at"])
            configuration_changed()
            messages.success(request, _("The changes have been saved. They apply to new orders.")
                             if for_new_orders else _("The changes have been saved."))
            return redirect(request.path)
    else:
        form = form_class(instance=shop)
    context = {"form": form, "shop": shop, "nav": "settings", "tab": tab, **(extra or {})}
    return render(request, template, context, status=400 if form.is_bound else 200)


@owner_required
def payments(request):
    return _edit_settings(
        request, form_class=PaymentSettingsForm, template="configuration/settings/payments.html",
        tab="payments", extra={"paypal": paypal_status()},
    )


@owner_required
def business(request):
    return _edit_settings(
        request, form_class=BusinessInfoForm, template="configuration/settings/business.html",
        tab="business",
    )


@owner_required
def notification_settings(request):
    return _edit_settings(
        request, form_class=NotificationSettingsForm,
        template="configuration/settings/notifications.html", tab="notifications",
        for_new_orders=False,
    )


@owner_required
def report_settings(request):
    return _edit_settings(
        request, form_class=ReportSettingsForm, template="configuration/settings/reports.html",
        tab="reports", for_new_orders=False,
    )
