"""A closed tax period: a document issued later with a date inside it is refused or flagged."""

import datetime
from decimal import Decimal

import pytest

from comptoir.core.testing import make_delivery_methods, make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.models import ClosedPeriod, CreditNote, Invoice
from comptoir.invoicing.periods import ClosedPeriodError
from comptoir.invoicing.services import issue_credit_note, issue_invoice
from comptoir.reports.periods import Period
from comptoir.reports.selectors import tax_report
from comptoir.reports.services import ReportError, close_period
from comptoir.reports.testing import at

pytestmark = pytest.mark.django_db
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def shop(db):
    make_delivery_methods()
    return make_shop()


def close_march():
    with at("2026-04-02 09:00"):
        return close_period(MARCH, actor=make_staff_user())


def test_an_invoice_dated_in_a_closed_period_is_refused_and_nothing_changes(shop):
    order = make_order([(make_product(price_amount=Decimal("10.00")), 1)])
    close_march()
    # The clock of the server says March (a wrong clock, or a back-dated issue): refused.
    with at("2026-03-31 23:30"), pytest.raises(ClosedPeriodError):
        issue_invoice(order)
    assert not Invoice.objects.exists()
    order.refresh_from_db()
    assert order.events.filter(kind="invoice_issued").count() == 0


def test_with_the_flag_policy_it_is_issued_and_counted_as_flagged(shop):
    shop.closed_period_policy = "flag"
    shop.save()
    order = make_order([(make_product(price_amount=Decimal("10.00")), 1)])
    close_march()
    with at("2026-03-31 23:30"):
        invoice = issue_invoice(order)
    assert invoice.in_closed_period
    with at("2026-04-03 10:00"):
        credit_note = issue_credit_note(invoice)
    assert not credit_note.in_closed_period  # April is open
    assert tax_report(MARCH).flagged_count == 1


def test_a_credit_note_dated_in_a_closed_period_is_refused(shop):
    order = make_order([(make_product(price_amount=Decimal("10.00")), 1)])
    with at("2026-03-10 10:00"):
        invoice = issue_invoice(order)
    close_march()
    with at("2026-03-31 12:00"), pytest.raises(ClosedPeriodError):
        issue_credit_note(invoice)
    assert not CreditNote.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID


def test_only_an_ended_period_can_be_closed_and_never_twice(shop):
    with at("2026-03-20 10:00"), pytest.raises(ReportError):
        close_period(MARCH, actor=None)
    assert not ClosedPeriod.objects.exists()
    close_march()
    with at("2026-05-01 10:00"), pytest.raises(ReportError):
        close_period(Period(datetime.date(2026, 3, 15), datetime.date(2026, 4, 15)), actor=None)
    assert ClosedPeriod.objects.count() == 1
