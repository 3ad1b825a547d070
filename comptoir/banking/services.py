"""« Rapprochement bancaire »: importing statements, confirming or ignoring their lines.

A confirmed line records its payment through ``payments.services.record_payment``, exactly as
« Information de paiement » does (same checks, same timeline entry), with the line's date and
reference. The line row is locked first (``core.locks``: before the order and its invoice) and
must still be open: two confirmations of one line record one payment, and a line that paid
once never pays again.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.locks import lock_one
from comptoir.invoicing.models import Invoice
from comptoir.payments.models import Payment
from comptoir.payments.services import record_payment

from . import parsers
from .matching import SURE, propose
from .models import BankStatementLine, CsvMapping, StatementImport


class BankingError(DomainError):
    pass


def layout_of(mapping: CsvMapping) -> parsers.CsvLayout:
    return parsers.CsvLayout(
        date_column=mapping.date_column, description_column=mapping.description_column,
        amount_column=mapping.amount_column, reference_column=mapping.reference_column,
        delimiter=mapping.delimiter, decimal_comma=mapping.decimal_comma, date_format=mapping.date_format,
    )


def read_statement(kind: str, data: bytes, *, mapping: CsvMapping | None = None) -> list[parsers.ParsedLine]:
    """The credits of a file; ``StatementError`` (translated) when it cannot be read."""
    if kind == StatementImport.Kind.OFX:
        return parsers.parse_ofx(data)
    if kind == StatementImport.Kind.CSV:
        if mapping is None:
            raise BankingError(_("Choose the bank whose CSV columns to use."), code="no_mapping")
        return parsers.parse_csv(data, layout_of(mapping))
    if kind == StatementImport.Kind.INTERAC:
        return parsers.parse_interac_email(data)
    raise BankingError(_("Choose what kind of file this is."), code="bad_kind")


def import_statement(kind: str, data: bytes, *, actor, mapping: CsvMapping | None = None,
                     filename: str = "") -> StatementImport:
    """Store the new credits of a statement; lines already imported (same fingerprint) are
    recognised and left as they are. A file that cannot be read stores nothing."""
    lines = read_statement(kind, data, mapping=mapping)
    fingerprints = [line.fingerprint for line in lines]
    with transaction.atomic():
        known = set()
        for start in range(0, len(fingerprints), 500):
            known.update(BankStatementLine.objects.filter(fingerprint__in=fingerprints[start:start + 500])
                         .values_list("fingerprint", flat=True))
        statement = StatementImport.objects.create(
            kind=kind, filename=filename[:200], mapping=mapping, line_count=len(lines), actor=actor,
        )
        # A concurrent import of the same file: the unique fingerprint keeps one copy.
        BankStatementLine.objects.bulk_create([
            BankStatementLine(
                statement=statement, fingerprint=line.fingerprint, posted_on=line.posted_on,
                amount=line.amount, description=line.description, reference=line.reference,
                payer_name=line.payer_name[:300], method=line.method,
            )
            for line in lines if line.fingerprint not in known
        ], batch_size=500, ignore_conflicts=True)
        statement.new_count = statement.lines.count()
        statement.save(update_fields=["new_count"])
    return statement


def confirm_line(line: BankStatementLine, *, invoice: Invoice, actor,
                 confirm_overpayment: bool = False) -> Payment:
    """Record the line's money as a payment of ``invoice`` (its whole amount: less than the
    balance is a partial payment, more needs ``confirm_overpayment``)."""
    with transaction.atomic():
        locked = lock_one(BankStatementLine.objects.all(), line.pk)
        if locked.status != BankStatementLine.Status.OPEN:
            raise BankingError(_("This bank line was already used or ignored: it pays nothing more."),
                               code="line_used")
        method = locked.method if locked.method in Payment.Method.values else Payment.Method.BANK_TRANSFER
        payment = record_payment(
            invoice, method=method, amount=locked.amount, actor=actor,
            received_on=min(locked.posted_on, timezone.localdate()),
            reference=(locked.reference or locked.description)[:120],
            confirm_overpayment=confirm_overpayment,
        )
        locked.status, locked.payment = BankStatementLine.Status.MATCHED, payment
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "payment", "decided_by", "decided_at"])
    line.status, line.payment = locked.status, payment
    return payment


def confirm_sure_matches(lines, *, actor) -> tuple[list[Payment], list[str]]:
    """« Confirmer toutes les correspondances sûres »: each sure line of ``lines`` in its own
    transaction; a refused one is reported and the others go on."""
    payments, errors = [], []
    lines = list(lines)
    proposals = propose(lines)  # each invoice is proposed for one line at most
    for line in lines:
        proposal = proposals.get(line.pk)
        if proposal is None or proposal.confidence != SURE:
            continue
        try:
            payments.append(confirm_line(line, invoice=proposal.invoice, actor=actor))
        except DomainError as error:
            errors.append(f"{line.description}: {error}")
    return payments, errors


def dismiss_line(line: BankStatementLine, *, actor) -> None:
    """« Ignorer »: a credit that pays no invoice (a refund from a supplier, interest)."""
    _decide(line, BankStatementLine.Status.DISMISSED, actor=actor, expected=BankStatementLine.Status.OPEN)


def restore_line(line: BankStatementLine, *, actor) -> None:
    """« Remettre à rapprocher »: an ignored line becomes open again."""
    _decide(line, BankStatementLine.Status.OPEN, actor=actor, expected=BankStatementLine.Status.DISMISSED)


def _decide(line, status, *, actor, expected) -> None:
    with transaction.atomic():
        locked = lock_one(BankStatementLine.objects.all(), line.pk)
        if locked.status != expected:
            raise BankingError(_("This bank line was already used or ignored: it pays nothing more."),
                               code="line_used")
        locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
    line.status = status
