"""Actions of the reports: closing a tax period, asking for an export, the daily low-stock alert."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.invoicing.models import ClosedPeriod
from comptoir.merchant.models import AlertChannel, ShopSettings
from comptoir.notifications.models import Notification
from comptoir.notifications.services import OutgoingMessage, queue_notifications

from .insight import low_stock_items
from .models import ReportExport
from .periods import Period

MAX_EXPORT_DAYS = 3 * 366


class ReportError(DomainError):
    pass


def close_period(period: Period, *, actor) -> ClosedPeriod:
    """Close a tax period that has ended (after filing it): documents dated inside it are then
    refused or flagged, as the shop's settings say."""
    today = timezone.localdate()
    if period.end >= today:
        raise ReportError(
            _("Only a period that has ended can be closed: this one ends on %(end)s.")
            % {"end": date_format(period.end)}, code="not_ended",
        )
    with transaction.atomic():
        overlapping = ClosedPeriod.objects.filter(start_date__lte=period.end, end_date__gte=period.start)
        if overlapping.exists():
            raise ReportError(_("This period overlaps a period already closed."), code="overlap")
        return ClosedPeriod.objects.create(start_date=period.start, end_date=period.end, closed_by=actor)


def request_export(*, kind: str, file_format: str, period: Period | None, language: str,
                   decimal_comma: bool, actor) -> ReportExport:
    """Record the export and enqueue the task that produces it (with the row, in one transaction)."""
    from .tasks import produce_export_task

    if kind not in ReportExport.Kind.values or file_format not in ReportExport.Format.values:
        raise ReportError(_("This export does not exist."), code="unknown")
    if (file_format == ReportExport.Format.ZIP) != (kind == ReportExport.Kind.PDF_ARCHIVE):
        raise ReportError(_("This export does not exist."), code="unknown")
    if period is not None and (period.end - period.start).days > MAX_EXPORT_DAYS:
        raise ReportError(_("Export at most three years at a time."), code="too_long")
    with transaction.atomic():
        export = ReportExport.objects.create(
            kind=kind, format=file_format, start_date=period.start if period else None,
            end_date=period.end if period else None, language=language if language in ("fr", "en") else "fr",
            decimal_comma=decimal_comma, created_by=actor,
        )
        produce_export_task.enqueue(export.pk)
    return export


def send_low_stock_alert(now: datetime.datetime) -> list[Notification]:
    """Queue today's low-stock alert to the merchant, by email and/or SMS as set in « Notifications ».

    Idempotent per day: the messages' dedupe keys name the day, so running it again the same day
    (or twice at once) queues nothing more. Nothing is sent when no product is low on stock."""
    shop = ShopSettings.load()
    channels = shop.alert_low_stock
    if channels == AlertChannel.NONE:
        return []
    products = low_stock_items(shop, 50)
    if not products:
        return []
    day = timezone.localdate(now)
    context = _low_stock_context(shop, products, day)
    key = f"low-stock:{day.isoformat()}"
    messages = []
    email = shop.alert_email or shop.email
    if channels in (AlertChannel.EMAIL, AlertChannel.BOTH) and email:
        messages.append(OutgoingMessage(
            channel=Notification.Channel.EMAIL, template="low_stock", recipient=email,
            language=shop.alert_language, context=context, dedupe_key=f"{key}:email",
            reference="low-stock", sender_name="Comptoir",
        ))
    if channels in (AlertChannel.SMS, AlertChannel.BOTH) and shop.alert_mobile:
        messages.append(OutgoingMessage(
            channel=Notification.Channel.SMS, template="low_stock", recipient=shop.alert_mobile,
            language=shop.alert_language, context=context, dedupe_key=f"{key}:sms", reference="low-stock",
        ))
    return queue_notifications(messages) if messages else []


def _low_stock_context(shop: ShopSettings, products, day: datetime.date) -> dict:
    language = shop.alert_language
    with translation.override(language):
        url = settings.SITE_URL + reverse("configuration:product_list") + "?stock=low"
        day_label = date_format(day)
    return {
        "shop": shop.message_data(), "day": day_label, "products_url": url, "count": len(products),
        "products": [
            {"name": (product.name_en if language == "en" and product.name_en else product.name_fr),
             "sku": product.sku, "stock": product.stock}
            for product in products
        ],
    }
