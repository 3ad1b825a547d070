"""The export task: produces the file of a ReportExport, reporting its progress on the row."""

import logging
import secrets

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from . import exports
from .models import ReportExport
from .periods import Period

logger = logging.getLogger(__name__)


@task()
def produce_export_task(export_id: int) -> str:
    return produce_export(export_id)


def produce_export(export_id: int) -> str:
    """Idempotent: an export already produced (or failed) is left as it is."""
    export = ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.PENDING).first()
    if export is None:
        return "skipped"

    def progress(done: int, total: int) -> None:
        ReportExport.objects.filter(pk=export.pk).update(progress=done, progress_total=total)

    try:
        content = _content(export, progress)
    except Exception as error:  # the merchant sees « Échec » instead of an export forever pending
        logger.exception("Export %s failed", export.pk)
        ReportExport.objects.filter(pk=export.pk).update(
            status=ReportExport.Status.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        return "failed"
    export.file.save(_file_name(export), ContentFile(content), save=False)
    ReportExport.objects.filter(pk=export.pk).update(
        file=export.file.name, status=ReportExport.Status.DONE, finished_at=timezone.now()
    )
    return "done"


def _content(export: ReportExport, progress) -> bytes:
    period = Period(export.start_date, export.end_date) if export.start_date else None
    options = {"language": export.language}
    if export.kind == ReportExport.Kind.PDF_ARCHIVE:
        return exports.pdf_archive(period, progress=progress, **options)
    options["decimal_comma"] = export.decimal_comma
    if export.kind == ReportExport.Kind.NEWS_CUSTOMERS:
        return exports.news_customers_file(**options)
    if export.kind == ReportExport.Kind.TAX_REPORT:
        return exports.tax_report_file(period, file_format=export.format, **options)
    return exports.journal_file(period, file_format=export.format, progress=progress, **options)


def _file_name(export: ReportExport) -> str:
    names = {"tax_report": ("rapport-taxes", "tax-report"), "journal": ("journal-ventes", "sales-journal"),
             "pdfs": ("factures", "invoices"), "news": ("clients-nouvelles", "news-customers")}
    name = names[export.kind][0 if export.language == "fr" else 1]
    dates = f"-{export.start_date}-{export.end_date}" if export.start_date else ""
    # A random folder: the file is never at a guessable address, even if media files are served.
    return f"{secrets.token_hex(16)}/{name}{dates}.{export.format}"
