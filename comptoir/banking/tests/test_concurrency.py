"""Real concurrency on PostgreSQL: one bank line confirmed twice at the same instant pays once."""

import pytest

from comptoir.banking.models import BankStatementLine
from comptoir.banking.services import confirm_line, import_statement
from comptoir.core.errors import DomainError
from comptoir.core.testing import make_staff_user, run_together, split_outcomes
from comptoir.invoicing.models import Invoice
from comptoir.orders.models import OrderEvent
from comptoir.payments.models import Payment

from .builders import interac_order, interac_shop
from .fixtures import fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_confirmations_of_one_line_record_one_payment():
    interac_shop()
    staff = make_staff_user()
    # Two unpaid invoices: the second confirmation might otherwise pay the other one.
    first = interac_order("40.00")
    second = interac_order("40.00", first_name="Jean", last_name="Roy")
    import_statement("ofx", fixture("desjardins.ofx", AMOUNT1=first.invoice.balance_amount,
                                    REF1=first.payment_reference), actor=staff)
    line = BankStatementLine.objects.get(amount=first.invoice.balance_amount)
    targets = [first.invoice.pk, second.invoice.pk]

    def confirm(index):
        return confirm_line(BankStatementLine.objects.get(pk=line.pk),
                            invoice=Invoice.objects.get(pk=targets[index]), actor=staff)

    payments, errors = split_outcomes(run_together(2, confirm))

    assert len(payments) == 1 and len(errors) == 1 and isinstance(errors[0], DomainError)
    assert Payment.objects.count() == 1
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.PAYMENT_RECORDED).count() == 1
    line.refresh_from_db()
    assert line.status == "matched" and line.payment == Payment.objects.get()
    assert sorted(Invoice.objects.values_list("status", flat=True)) == ["paid", "unpaid"]


def test_the_same_statement_imported_twice_at_once_keeps_one_copy_of_each_line():
    interac_shop()
    staff = make_staff_user()
    data = fixture("desjardins.ofx")

    outcomes = run_together(2, lambda _index: import_statement("ofx", data, actor=staff))

    statements, errors = split_outcomes(outcomes)
    assert errors == []
    assert BankStatementLine.objects.count() == 2
    assert sum(statement.new_count for statement in statements) == 2
