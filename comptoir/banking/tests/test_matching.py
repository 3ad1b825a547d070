"""Matching bank credits to unpaid invoices, confirming them, and never paying twice."""

from decimal import Decimal

import pytest

from comptoir.banking.matching import POSSIBLE, PROBABLE, SURE, propose
from comptoir.banking.models import BankStatementLine
from comptoir.banking.services import (
    BankingError,
    confirm_line,
    confirm_sure_matches,
    dismiss_line,
    import_statement,
)
from comptoir.core.errors import DomainError
from comptoir.core.testing import make_staff_user
from comptoir.invoicing.models import Invoice
from comptoir.orders.models import OrderEvent
from comptoir.orders.references import ALPHABET
from comptoir.payments.models import Payment

from .builders import interac_order, interac_shop
from .fixtures import fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    interac_shop()
    return make_staff_user()


def typo(reference: str) -> str:
    """The reference with its third code character changed."""
    position = 6
    other = next(char for char in ALPHABET if char != reference[position])
    return reference[:position] + other + reference[position + 1:]


def ofx_for(order, *, reference=None, amount=None, name="MARIE TREMBLAY"):
    amount = amount if amount is not None else order.invoice.balance_amount
    return fixture("desjardins.ofx", AMOUNT1=amount, REF1=reference or order.payment_reference, NAME1=name)


def open_lines():
    return list(BankStatementLine.objects.filter(status="open").order_by("id"))


def proposal_for(description_part):
    lines = open_lines()
    proposals = propose(lines)
    return next(proposals[line.pk] for line in lines if description_part in line.description)


def test_a_valid_reference_and_the_balance_are_a_sure_match(staff):
    order = interac_order()
    import_statement("ofx", ofx_for(order), actor=staff)

    proposal = proposal_for("MARIE")
    assert proposal.invoice == order.invoice and proposal.confidence == SURE and proposal.kind == "exact"
    # The supplier's refund matches nothing.
    assert proposal_for("FOURNISSEUR") is None


def test_a_reference_with_a_typo_is_never_another_orders_but_the_amount_proposes_it_lower(staff):
    order = interac_order("40.00", first_name="Paul", last_name="Lavoie")
    other = interac_order("55.00", first_name="Jean", last_name="Roy")
    written = typo(order.payment_reference)
    import_statement("ofx", ofx_for(order, reference=written, name="XYZ"), actor=staff)

    proposal = proposal_for("XYZ")
    assert proposal.invoice == order.invoice and proposal.confidence == PROBABLE
    assert written in proposal.reason
    # A typo'd reference with another amount: nothing (never the order the typo spells).
    BankStatementLine.objects.all().delete()
    import_statement("ofx", ofx_for(order, reference=written, amount=other.invoice.balance_amount - 1,
                                    name="XYZ"), actor=staff)
    assert proposal_for("XYZ") is None


def test_exact_amount_and_name_is_probable_amount_alone_possible(staff):
    order = interac_order("40.00", first_name="Émilie", last_name="Côté", email="emilie@example.test")
    import_statement("ofx", ofx_for(order, reference="MERCI", name="EMILIE COTE"), actor=staff)
    assert proposal_for("EMILIE").confidence == PROBABLE

    BankStatementLine.objects.all().delete()
    import_statement("ofx", ofx_for(order, reference="MERCI", name="QUELQU'UN"), actor=staff)
    assert proposal_for("QUELQU").confidence == POSSIBLE

    # Two invoices with that balance and no name to choose: no proposal.
    interac_order("40.00", first_name="Paul", last_name="Lavoie")
    assert proposal_for("QUELQU") is None


def test_confirming_records_the_payment_like_a_manual_one(staff):
    order = interac_order()
    import_statement("ofx", ofx_for(order), actor=staff)
    (line, _supplier) = open_lines()

    payment = confirm_line(line, invoice=order.invoice, actor=staff)

    order.invoice.refresh_from_db()
    assert order.invoice.status == Invoice.Status.PAID
    assert (payment.method, payment.amount, payment.reference) == (
        Payment.Method.INTERAC, order.invoice.total_amount, order.payment_reference)
    assert payment.received_on == line.posted_on
    event = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT_RECORDED).get()
    assert event.data["reference"] == order.payment_reference
    line.refresh_from_db()
    assert line.status == "matched" and line.payment == payment


def test_a_used_line_never_pays_twice_and_a_reimport_adds_nothing(staff):
    order = interac_order()
    other = interac_order("40.00", first_name="Jean", last_name="Roy")
    data = ofx_for(order)
    statement = import_statement("ofx", data, actor=staff)
    assert (statement.line_count, statement.new_count) == (2, 2)
    line = open_lines()[0]
    confirm_line(line, invoice=order.invoice, actor=staff)

    with pytest.raises(BankingError):
        confirm_line(BankStatementLine.objects.get(pk=line.pk), invoice=other.invoice, actor=staff)
    again = import_statement("ofx", data, actor=staff)

    assert (again.line_count, again.new_count) == (2, 0)
    assert BankStatementLine.objects.count() == 2
    assert Payment.objects.count() == 1
    other.invoice.refresh_from_db()
    assert other.invoice.status == Invoice.Status.UNPAID


def test_less_than_the_balance_is_a_partial_payment_more_needs_confirmation(staff):
    order = interac_order("100.00")
    balance = order.invoice.balance_amount
    import_statement("ofx", ofx_for(order, amount=Decimal("30.00")), actor=staff)
    proposal = proposal_for("MARIE")
    assert (proposal.confidence, proposal.kind) == (PROBABLE, "partial")

    confirm_line(open_lines()[0], invoice=order.invoice, actor=staff)
    order.invoice.refresh_from_db()
    assert order.invoice.status == Invoice.Status.UNPAID
    assert order.invoice.balance_amount == balance - Decimal("30.00")

    BankStatementLine.objects.filter(status="open").delete()
    import_statement("ofx", fixture("desjardins.ofx", AMOUNT1="500.00", REF1=order.payment_reference).replace(
        b"2026120200017", b"2026120200099"), actor=staff)
    line = next(line for line in open_lines() if line.amount == Decimal("500.00"))
    assert proposal_for("MARIE").kind == "over"
    with pytest.raises(DomainError):
        confirm_line(line, invoice=order.invoice, actor=staff)
    line.refresh_from_db()
    assert line.status == "open" and Payment.objects.count() == 1
    confirm_line(line, invoice=order.invoice, actor=staff, confirm_overpayment=True)
    order.invoice.refresh_from_db()
    assert order.invoice.status == Invoice.Status.PAID and order.invoice.credit_amount > 0


def test_confirm_all_sure_matches_leaves_the_others(staff):
    sure = interac_order("40.00")
    probable = interac_order("55.00", first_name="Jean", last_name="Roy")
    import_statement("ofx", ofx_for(sure), actor=staff)
    import_statement("ofx", ofx_for(probable, reference="merci", name="JEAN ROY").replace(
        b"2026120200017", b"2026120200077"), actor=staff)

    payments, errors = confirm_sure_matches(open_lines(), actor=staff)

    assert errors == [] and [payment.invoice_id for payment in payments] == [sure.invoice.pk]
    probable.invoice.refresh_from_db()
    assert probable.invoice.status == Invoice.Status.UNPAID


def test_an_ignored_line_is_no_longer_proposed(staff):
    order = interac_order()
    import_statement("ofx", ofx_for(order), actor=staff)
    line = open_lines()[0]
    dismiss_line(line, actor=staff)
    with pytest.raises(BankingError):
        confirm_line(line, invoice=order.invoice, actor=staff)
    assert Payment.objects.count() == 0


def test_a_bad_file_stores_nothing(staff):
    with pytest.raises(DomainError):
        import_statement("ofx", b"<OFX>broken", actor=staff)
    assert BankStatementLine.objects.count() == 0


def test_matching_runs_a_constant_number_of_queries(staff, django_assert_max_num_queries):
    orders = [interac_order(f"{40 + index}.00", first_name=f"Client{index}") for index in range(3)]
    for index, order in enumerate(orders):
        import_statement("ofx", ofx_for(order).replace(b"2026120200017", f"X{index}".encode()), actor=staff)
    few = open_lines()[:2]
    many = open_lines()
    with django_assert_max_num_queries(2):
        propose(few)
    with django_assert_max_num_queries(2):
        proposals = propose(many)
    assert sum(1 for proposal in proposals.values() if proposal and proposal.confidence == SURE) == 3
