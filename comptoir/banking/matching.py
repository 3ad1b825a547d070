"""Which unpaid invoice a bank credit pays, and how sure we are.

For a batch of lines, the candidate invoices are read in bulk — those whose order's payment
reference appears in the batch, and those whose balance may equal one of the batch's amounts —
so the number of queries does not grow with the number of lines (one or two per 500 distinct
references or amounts). Then, line by line, in date order, an invoice being proposed once:

- **Sûr**: a valid reference (its check character is right) of an unpaid invoice's order, and
  the amount is its balance. With another amount, the same invoice is **Probable**, offered as a
  partial payment (less) or an overpayment to confirm (more).
- **Probable**: the exact balance of exactly one unpaid invoice whose customer's name is in the
  line (names folded with ``core.text.fold``), or of the one whose reference is one typo away
  from a reference written in the line with a wrong check character.
- **Possible**: the exact balance of exactly one unpaid invoice, nothing else.

A reference with a wrong check character is never taken as another order's reference: it only
helps to pick among the invoices with the exact amount.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.money import quantize
from comptoir.core.text import fold
from comptoir.invoicing.models import Invoice
from comptoir.orders.references import find_references, is_valid

BATCH = 500

SURE, PROBABLE, POSSIBLE = "sure", "probable", "possible"
CONFIDENCE_LABELS = {SURE: pgettext_lazy("match", "Sure"), PROBABLE: pgettext_lazy("match", "Probable"),
                     POSSIBLE: pgettext_lazy("match", "Possible")}


@dataclass
class Proposal:
    invoice: Invoice
    confidence: str
    reason: str
    kind: str  # "exact", "partial" (less than the balance) or "over" (more)

    @property
    def confidence_label(self) -> str:
        return str(CONFIDENCE_LABELS[self.confidence])

    @property
    def balance(self) -> Decimal:
        return self.invoice.balance_amount


def _chunks(values):
    values = sorted(values)
    for start in range(0, len(values), BATCH):
        yield values[start:start + BATCH]


# What a proposal shows and needs: not the invoice's snapshots (addresses, business information).
_FIELDS = ("number", "status", "total_amount", "credited_amount", "paid_amount", "currency", "customer_name",
           "order_id", "current_for__number", "current_for__payment_reference")


def _open_invoices():
    return (Invoice.objects.filter(status=Invoice.Status.UNPAID, current_for__isnull=False)
            .select_related("current_for").only(*_FIELDS).order_by("number"))


def candidates_by_reference(references: set[str]) -> dict[str, Invoice]:
    found = {}
    for chunk in _chunks(references):
        for invoice in _open_invoices().filter(current_for__payment_reference__in=chunk):
            found[invoice.current_for.payment_reference] = invoice
    return found


def candidates_by_amount(amounts: set[Decimal]) -> dict[Decimal, list[Invoice]]:
    """Unpaid invoices whose balance is one of ``amounts``: a total among them with nothing
    paid nor credited, or anything partly paid or credited (their balance is computed here)."""
    found: dict[Decimal, list[Invoice]] = {}
    seen = set()
    for chunk in _chunks(amounts):
        query = Q(total_amount__in=chunk) | Q(paid_amount__gt=0) | Q(credited_amount__gt=0)
        for invoice in _open_invoices().filter(query):
            if invoice.pk in seen:
                continue
            seen.add(invoice.pk)
            balance = quantize(invoice.balance_amount)
            if balance in amounts:
                found.setdefault(balance, []).append(invoice)
    return found


def _name_in(invoice: Invoice, text: set[str]) -> bool:
    words = fold(invoice.customer_name).split()
    return bool(words) and all(word in text for word in words)


def _one_typo(written: str, reference: str) -> bool:
    """One character changed, or two neighbours swapped, between two references."""
    if len(written) != len(reference):
        return False
    differences = [index for index, (a, b) in enumerate(zip(written, reference, strict=True)) if a != b]
    if len(differences) == 1:
        return True
    if len(differences) == 2 and differences[1] == differences[0] + 1:
        first, second = differences
        return written[first] == reference[second] and written[second] == reference[first]
    return False


def _kind(amount: Decimal, balance: Decimal) -> str:
    return "exact" if amount == balance else ("partial" if amount < balance else "over")


def propose(lines) -> dict[int, Proposal | None]:
    """A proposal (or None) for each line, by the line's ``pk``; a constant number of queries
    per ``BATCH`` distinct references and amounts."""
    written = {line.pk: find_references(f"{line.reference} {line.description}") for line in lines}
    valid = {reference for references in written.values() for reference in references if is_valid(reference)}
    by_reference = candidates_by_reference(valid) if valid else {}
    by_amount = candidates_by_amount({quantize(line.amount) for line in lines}) if lines else {}
    taken: set[int] = set()
    proposals: dict[int, Proposal | None] = {}
    # References first, for every line, so that an amount match never takes an invoice that a
    # reference names.
    for line in lines:
        proposals[line.pk] = None
        for reference in written[line.pk]:
            invoice = by_reference.get(reference)
            if invoice is not None and invoice.pk not in taken and is_valid(reference):
                taken.add(invoice.pk)
                kind = _kind(quantize(line.amount), invoice.balance_amount)
                proposals[line.pk] = Proposal(
                    invoice, SURE if kind == "exact" else PROBABLE,
                    _("Reference %(reference)s") % {"reference": reference}, kind)
                break
    for line in lines:
        if proposals[line.pk] is not None:
            continue
        amount = quantize(line.amount)
        candidates = [invoice for invoice in by_amount.get(amount, []) if invoice.pk not in taken]
        if not candidates:
            continue
        words = set(fold(f"{line.payer_name} {line.description}").split())
        typos = [reference for reference in written[line.pk] if not is_valid(reference)]
        named = [invoice for invoice in candidates if _name_in(invoice, words)]
        near = [invoice for invoice in candidates
                if any(_one_typo(typo, invoice.current_for.payment_reference) for typo in typos)]
        if len(near) == 1:
            choice, confidence = near[0], PROBABLE
            reason = _("Exact amount; reference %(written)s has a typo (%(reference)s?)") % {
                "written": typos[0], "reference": near[0].current_for.payment_reference}
        elif len(named) == 1:
            choice, confidence = named[0], PROBABLE
            reason = _("Exact amount and customer's name")
        elif len(candidates) == 1:
            choice, confidence = candidates[0], POSSIBLE
            reason = _("Exact amount only")
        else:
            continue
        taken.add(choice.pk)
        proposals[line.pk] = Proposal(choice, confidence, str(reason), "exact")
    return proposals

