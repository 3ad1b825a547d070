"""« Rapprochement bancaire »: import bank statements, confirm what the credits pay."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.banking import services
from comptoir.banking.matching import propose
from comptoir.banking.models import BankStatementLine, CsvMapping, StatementImport
from comptoir.core.errors import DomainError
from comptoir.core.search import is_plain_number
from comptoir.invoicing.models import Invoice

from ..access import staff_required
from ..reconciliation_forms import ConfirmLineForm, CsvMappingForm, StatementImportForm
from .common import form_errors
from .invoices import payment_recorded_message

PER_PAGE = 100


def _open_lines():
    return BankStatementLine.objects.filter(status=BankStatementLine.Status.OPEN).order_by("posted_on", "id")


@staff_required
def reconciliation(request):
    page = Paginator(_open_lines(), PER_PAGE).get_page(request.GET.get("page"))
    lines = list(page.object_list)
    proposals = propose(lines)
    rows = [{"line": line, "proposal": proposals.get(line.pk)} for line in lines]
    bank = request.GET.get("banque", "")
    mapping = CsvMapping.objects.filter(pk=int(bank)).first() if is_plain_number(bank) else None
    return render(request, "dashboard/reconciliation/page.html", {
        "nav": "reconciliation", "rows": rows, "page": page,
        "sure_count": sum(1 for row in rows if row["proposal"] and row["proposal"].confidence == "sure"),
        "import_form": StatementImportForm(), "mapping_form": CsvMappingForm(instance=mapping),
        "mappings": list(CsvMapping.objects.all()),
        "dismissed": list(BankStatementLine.objects.filter(status=BankStatementLine.Status.DISMISSED)
                          .order_by("-decided_at")[:20]),
        "imports": list(StatementImport.objects.all()[:10]),
    })


@staff_required
@require_POST
def reconciliation_import(request):
    form = StatementImportForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("dashboard:reconciliation")
    data, filename = form.content()
    try:
        statement = services.import_statement(
            form.cleaned_data["kind"], data, actor=request.user, mapping=form.cleaned_data.get("mapping"),
            filename=filename,
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        known = statement.line_count - statement.new_count
        messages.success(request, _(
            "%(count)s credits read: %(new)s new, %(known)s already imported."
        ) % {"count": statement.line_count, "new": statement.new_count, "known": known})
    return redirect("dashboard:reconciliation")


@staff_required
@require_POST
def reconciliation_mapping(request):
    """Save a bank's CSV columns (a bank already named is updated)."""
    instance = CsvMapping.objects.filter(name=(request.POST.get("name") or "").strip()).first()
    form = CsvMappingForm(request.POST, instance=instance)
    if not form.is_valid():
        form_errors(request, form)
    else:
        mapping = form.save()
        messages.success(request, _("The CSV columns of « %(bank)s » are saved.") % {"bank": mapping.name})
    return redirect("dashboard:reconciliation")


@staff_required
@require_POST
def reconciliation_confirm(request, line_id: int):
    line = get_object_or_404(BankStatementLine, pk=line_id)
    form = ConfirmLineForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("dashboard:reconciliation")
    invoice = Invoice.objects.filter(number=form.cleaned_data["invoice"]).select_related("order").first()
    if invoice is None:
        messages.error(request, _("There is no invoice with this number."))
        return redirect("dashboard:reconciliation")
    try:
        payment = services.confirm_line(line, invoice=invoice, actor=request.user,
                                        confirm_overpayment=form.cleaned_data["confirm_overpayment"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        payment_recorded_message(request, payment, invoice)
    return redirect("dashboard:reconciliation")


@staff_required
@require_POST
def reconciliation_confirm_sure(request):
    """« Confirmer toutes les correspondances sûres »."""
    payments, errors = services.confirm_sure_matches(_open_lines(), actor=request.user)
    for error in errors:
        messages.error(request, error)
    if payments:
        messages.success(request, _("%(count)s payments recorded from the bank lines.")
                         % {"count": len(payments)})
    elif not errors:
        messages.info(request, _("No sure match to confirm."))
    return redirect("dashboard:reconciliation")


@staff_required
@require_POST
def reconciliation_dismiss(request, line_id: int):
    line = get_object_or_404(BankStatementLine, pk=line_id)
    restore = request.POST.get("restore") == "1"
    try:
        if restore:
            services.restore_line(line, actor=request.user)
        else:
            services.dismiss_line(line, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The bank line is back among the lines to match.") if restore
                         else _("The bank line is ignored."))
    return redirect("dashboard:reconciliation")
