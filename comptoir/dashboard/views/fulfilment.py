"""« Expédier », corrections, pickup, packing slips: the fulfilment actions of the order page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.fulfilment import selectors
from comptoir.fulfilment.models import Shipment
from comptoir.fulfilment.pdf import render_packing_slip
from comptoir.fulfilment.services import (
    Parcel,
    cancel_shipment,
    correct_shipment,
    mark_picked_up,
    mark_ready_for_pickup,
    ship_order,
)
from comptoir.orders.models import Order

from ..access import staff_required
from ..fulfilment_forms import ParcelForm, ShipmentForm
from .common import form_errors


def fulfilment_context(order: Order) -> dict:
    """What the order page's « Expédition » card shows (2 queries, whatever the shipments)."""
    shipments = selectors.order_shipments(order)
    lines = selectors.lines_to_ship(order, shipments)
    can_ship = (
        not order.is_pickup
        and order.status != Order.Status.CANCELLED
        and any(item.remaining for item in lines)
    )
    return {
        "shipments": shipments,
        "shipment_form": ShipmentForm(lines=lines) if can_ship else None,
        "correction_form": ParcelForm(),
    }


def _parcel(form) -> Parcel:
    return Parcel(
        carrier=form.cleaned_data["carrier"],
        tracking_number=form.cleaned_data["tracking_number"],
        carrier_name=form.cleaned_data["carrier_name"],
    )


@staff_required
@require_POST
def order_ship(request, number: int):
    order = get_object_or_404(Order.objects.prefetch_related("lines"), number=number)
    lines = selectors.lines_to_ship(order, selectors.order_shipments(order))
    form = ShipmentForm(request.POST, lines=lines)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            shipment = ship_order(
                order,
                parcel=_parcel(form),
                quantities=form.quantities(),
                note=form.cleaned_data["note"],
                notify_customer=not form.cleaned_data["do_not_notify"],
                actor=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Parcel %(parcel)s of order %(number)s recorded.")
                % {"parcel": shipment.number, "number": number},
            )
    return redirect("dashboard:order_detail", number=number)


@staff_required
@require_POST
def shipment_correct(request, number: int, shipment: int):
    target = get_object_or_404(
        Shipment.objects.select_related("order"), order__number=number, number=shipment
    )
    form = ParcelForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        _apply(
            request,
            correct_shipment,
            target,
            parcel=_parcel(form),
            done=_("Parcel %(parcel)s corrected.") % {"parcel": shipment},
        )
    return redirect("dashboard:order_detail", number=number)


@staff_required
@require_POST
def shipment_cancel(request, number: int, shipment: int):
    target = get_object_or_404(
        Shipment.objects.select_related("order"), order__number=number, number=shipment
    )
    _apply(request, cancel_shipment, target, done=_("Parcel %(parcel)s cancelled.") % {"parcel": shipment})
    return redirect("dashboard:order_detail", number=number)


@staff_required
@require_POST
def order_ready_for_pickup(request, number: int):
    order = get_object_or_404(Order, number=number)
    _apply(
        request,
        mark_ready_for_pickup,
        order,
        notify_customer=not request.POST.get("do_not_notify"),
        done=_("Order %(number)s is ready for pickup.") % {"number": number},
    )
    return redirect("dashboard:order_detail", number=number)


@staff_required
@require_POST
def order_picked_up(request, number: int):
    order = get_object_or_404(Order, number=number)
    _apply(
        request,
        mark_picked_up,
        order,
        done=_("Order %(number)s was handed over to the customer.") % {"number": number},
    )
    return redirect("dashboard:order_detail", number=number)


@staff_required
def packing_slip_pdf(request, number: int, shipment: int | None = None):
    """« Bordereau d'expédition » of the order, or of one of its parcels."""
    order = get_object_or_404(
        Order.objects.select_related("billing_address", "shipping_address").prefetch_related("lines"),
        number=number,
    )
    parcel = None
    if shipment is not None:
        parcel = get_object_or_404(Shipment.objects.prefetch_related("lines"), order=order, number=shipment)
    response = HttpResponse(render_packing_slip(order, shipment=parcel), content_type="application/pdf")
    name = _("packing-slip") + f"-{number}" + (f"-{shipment}" if shipment else "")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


def _apply(request, service, target, *, done: str, **kwargs) -> None:
    try:
        service(target, actor=request.user, **kwargs)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
