"""« Rapport de taxes », the documents behind each figure, closing a period, and the exports."""

import datetime

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.core.i18n import current_language
from comptoir.invoicing.models import ClosedPeriod
from comptoir.merchant.models import ShopSettings
from comptoir.reports import selectors, services
from comptoir.reports.exports import province_label
from comptoir.reports.models import ReportExport
from comptoir.reports.periods import Period, filing_periods, period_of

from ..access import staff_required
from .common import form_errors


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what a date input reads


class PeriodForm(forms.Form):
    du = forms.DateField(label=gettext_lazy("From"), widget=_date_input())
    au = forms.DateField(label=gettext_lazy("To"), widget=_date_input())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period comes before its start."))
        if start and end and (end - start).days > services.MAX_EXPORT_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return cleaned


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Export"), choices=[
        c for c in ReportExport.Kind.choices if c[0] != ReportExport.Kind.NEWS_CUSTOMERS])
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ReportExport.Format.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language of the headers"),
                                 choices=[("fr", "Français"), ("en", "English")])
    decimal = forms.ChoiceField(label=gettext_lazy("Decimal separator"), choices=[
        ("comma", gettext_lazy("Comma (1 234,56)")), ("point", gettext_lazy("Point (1,234.56)"))])


def _period(request) -> tuple[Period, PeriodForm, list]:
    """The period asked for (``?du=…&au=…``), else the filing period before the current one."""
    shop = ShopSettings.load()
    today = timezone.localdate()
    choices = _quick_periods(shop, today)
    form = PeriodForm(request.GET or None)
    if request.GET and form.is_valid():
        return Period(form.cleaned_data["du"], form.cleaned_data["au"]), form, choices
    if request.GET:
        form_errors(request, form)
    default = choices[1][1]
    return default, PeriodForm(initial={"du": default.start, "au": default.end}), choices


def _quick_periods(shop: ShopSettings, today: datetime.date) -> list:
    current, previous = filing_periods(today, frequency=shop.filing_frequency,
                                       fiscal_start_month=shop.fiscal_year_start_month)
    month = period_of(today, months=1)
    quarter = period_of(today, months=3, fiscal_start_month=shop.fiscal_year_start_month)
    year = period_of(today, months=12, fiscal_start_month=shop.fiscal_year_start_month)
    return [
        (_("Current filing period"), current), (_("Previous filing period"), previous),
        (_("This month"), month), (_("This quarter"), quarter), (_("This fiscal year"), year),
    ]


def figure_label(key: str) -> str:
    labels = {
        "sales": _("Total supplies (sales before taxes)"), "taxable": _("Taxable sales"),
        "zero_rated": _("Zero-rated sales (basic groceries, exports)"),
        "exempt": _("Exempt sales (not on the return)"), "GST": _("GST collected"),
        "QST": _("QST collected"), "line103": _("GST/HST collected"), "taxes": _("All taxes collected"),
    }
    if key.startswith("HST-"):
        return _("HST collected — %(province)s") % {"province": province_label(key[4:])}
    if key.startswith("PST-"):
        return _("PST collected — %(province)s") % {"province": province_label(key[4:])}
    return labels[key]


@staff_required
def tax_report(request):
    period, form, choices = _period(request)
    report = selectors.tax_report(period)
    closed = ClosedPeriod.objects.filter(start_date__lte=period.end, end_date__gte=period.start).first()
    figures = [{"key": key, "label": figure_label(key), "amount": report.figure(key)}
               for key in selectors.figure_keys(report) if key not in ("line103", "taxes")]
    return render(request, "dashboard/reports/tax_report.html", {
        "nav": "reports", "period": period, "form": form, "report": report, "figures": figures,
        "choices": choices, "closed": closed,
        "can_close": closed is None and period.end < timezone.localdate(),
        "export_form": ExportForm(initial={"language": current_language()}),
    })


@staff_required
def tax_report_documents(request, key: str):
    period, _form, _choices = _period(request)
    try:
        label = figure_label(key)
    except KeyError as error:
        raise Http404(_("No such figure in the report.")) from error
    documents = selectors.documents_for_figure(period, key)
    return render(request, "dashboard/reports/documents.html", {
        "nav": "reports", "period": period, "label": label, "key": key, "documents": documents,
        "total": sum((row.figure(key) for row in documents), selectors.ZERO),
        "rows": [(row, row.figure(key)) for row in documents],
    })


@staff_required
@require_POST
def close_tax_period(request):
    form = PeriodForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("dashboard:tax_report")
    period = Period(form.cleaned_data["du"], form.cleaned_data["au"])
    try:
        services.close_period(period, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The period %(period)s is closed.") % {"period": period.label})
    return redirect(f"{reverse('dashboard:tax_report')}?{period.query()}")


@staff_required
@require_POST
def export_create(request):
    period_form, export_form = PeriodForm(request.POST), ExportForm(request.POST)
    if not (period_form.is_valid() and export_form.is_valid()):
        form_errors(request, period_form)
        form_errors(request, export_form)
        return redirect("dashboard:tax_report")
    data = export_form.cleaned_data
    try:
        services.request_export(
            kind=data["kind"], file_format=data["format"],
            period=Period(period_form.cleaned_data["du"], period_form.cleaned_data["au"]),
            language=data["language"], decimal_comma=data["decimal"] == "comma", actor=request.user,
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("dashboard:tax_report")
    messages.success(request, _("Your export is being prepared. It appears below when it is ready."))
    return redirect("dashboard:export_list")


@staff_required
@require_POST
def export_news_customers(request):
    services.request_export(kind=ReportExport.Kind.NEWS_CUSTOMERS, file_format=ReportExport.Format.CSV,
                            period=None, language=current_language(),
                            decimal_comma=current_language() == "fr", actor=request.user)
    messages.success(request, _("Your export is being prepared. It appears below when it is ready."))
    return redirect("dashboard:export_list")


@staff_required
def export_list(request):
    exports = ReportExport.objects.select_related("created_by")[:30]
    return render(request, "dashboard/reports/exports.html", {
        "nav": "reports", "exports": exports,
        "pending": any(export.status == ReportExport.Status.PENDING for export in exports),
    })


@staff_required
def export_download(request, pk: int):
    export = get_object_or_404(ReportExport, pk=pk, status=ReportExport.Status.DONE)
    name = export.file.name.rsplit("/", 1)[-1]
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)
