"""« Type de livraison » (owner only)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.shipping.models import DeliveryMethod

from .. import services
from ..forms.delivery import DeliveryMethodForm
from ..permissions import owner_required


@owner_required
def delivery_list(request):
    return render(request, "configuration/delivery/list.html", {
        "nav": "settings", "tab": "delivery",
        "methods": DeliveryMethod.objects.order_by("position", "pk"),
    })


@owner_required
def delivery_form(request, pk=None):
    method = get_object_or_404(DeliveryMethod, pk=pk) if pk else None
    form = DeliveryMethodForm(request.POST or None, instance=method)
    if request.method == "POST":
        if form.is_valid() and _keeps_an_active_method(form, method):
            saved = form.save(commit=False)
            if method is None:
                saved.code = services.unique_slug(DeliveryMethod, saved.name_fr, field="code")
                saved.position = services.next_position(DeliveryMethod)
            saved.save()
            messages.success(request, _("The delivery method %(name)s has been saved.")
                             % {"name": saved.name})
            return redirect("configuration:delivery_list")
    return render(request, "configuration/delivery/form.html", {
        "nav": "settings", "tab": "delivery", "form": form, "method": method,
    }, status=400 if form.is_bound else 200)


def _keeps_an_active_method(form, method) -> bool:
    # ``method`` already carries the posted values: ask the database what is offered now.
    if method is None or form.cleaned_data.get("is_active"):
        return True
    if DeliveryMethod.objects.filter(is_active=True).exclude(pk=method.pk).exists():
        return True
    form.add_error("is_active", _("At least one delivery method must stay offered to customers."))
    return False


@owner_required
@require_POST
def delivery_toggle(request, pk):
    method = get_object_or_404(DeliveryMethod, pk=pk)
    if method.is_active and not DeliveryMethod.objects.filter(is_active=True).exclude(pk=pk).exists():
        messages.error(request, _("At least one delivery method must stay offered to customers."))
        return redirect("configuration:delivery_list")
    method.is_active = not method.is_active
    method.save(update_fields=["is_active"])
    text = _("%(name)s is offered to customers.") if method.is_active else _(
        "%(name)s is no longer offered to customers.")
    messages.success(request, text % {"name": method.name})
    return redirect("configuration:delivery_list")


@owner_required
@require_POST
def delivery_move(request, pk, direction):
    method = get_object_or_404(DeliveryMethod, pk=pk)
    services.move_in_order(method, direction=direction, queryset=DeliveryMethod.objects.all())
    return redirect("configuration:delivery_list")
