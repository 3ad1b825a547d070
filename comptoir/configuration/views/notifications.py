"""The message log: every email and SMS of the outbox (owner only)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.notifications.models import Notification

from .. import selectors
from ..permissions import owner_required

PER_PAGE = 50
MESSAGE_LABELS = {
    "order_confirmation": gettext_lazy("Order confirmation"),
    "new_order": gettext_lazy("New order alert"),
    "payment_confirmation": gettext_lazy("Payment confirmation"),
    "payment_received": gettext_lazy("Payment received alert"),
    "payment_recorded": gettext_lazy("Payment recorded alert"),
    "invoice": gettext_lazy("Invoice"),
    "credit_note": gettext_lazy("Credit note"),
    "order_cancelled": gettext_lazy("Order cancelled"),
    "password_reset": gettext_lazy("Password reset"),
    "login_failures": gettext_lazy("Failed sign-ins alert"),
}


def _with_labels(notifications):
    for notification in notifications:
        notification.label = MESSAGE_LABELS.get(notification.template, notification.template)
    return notifications


@owner_required
def notification_log(request):
    status, channel = request.GET.get("status", ""), request.GET.get("channel", "")
    notifications = selectors.filtered_notifications(status=status, channel=channel)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_orders(_with_labels(list(page.object_list)))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "configuration/notifications/log.html", {
        "nav": "settings", "tab": "notifications", "subtab": "log", "page": page,
        "query": query.urlencode(), "status": status, "channel": channel,
        "statuses": Notification.Status.choices, "channels": Notification.Channel.choices,
        "failed_count": Notification.objects.filter(status=Notification.Status.FAILED).count(),
    })


@owner_required
def notification_detail(request, pk):
    notification = selectors.with_orders(_with_labels([get_object_or_404(Notification, pk=pk)]))[0]
    return render(request, "configuration/notifications/detail.html", {
        "nav": "settings", "tab": "notifications", "subtab": "log", "notification": notification,
    })


@owner_required
@require_POST
def notification_resend(request, pk):
    from comptoir.notifications.services import requeue_notification

    notification = get_object_or_404(Notification, pk=pk)
    if notification.status != Notification.Status.FAILED:
        messages.error(request, _("Only a message whose delivery failed can be sent again."))
    else:
        try:
            requeue_notification(notification)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The message to %(recipient)s will be sent again.")
                             % {"recipient": notification.recipient})
    return redirect("configuration:notification_detail", pk=pk)


@owner_required
@require_POST
def notification_resend_failed(request):
    from comptoir.notifications.services import requeue_failed_notifications

    enqueued, left = requeue_failed_notifications(actor=request.user)
    if enqueued:
        messages.success(request, _("Failed messages sent again: %(count)s.") % {"count": enqueued})
    elif not left:
        messages.info(request, _("There is no failed message."))
    if left:
        messages.error(request, _("Messages that still cannot be prepared: %(count)s.") % {"count": left})
    return redirect("configuration:notification_log")
