"""The tax report of a quarter built through the services, checked against figures computed by
hand; the documents behind each figure add up to it to the cent (SQLite and PostgreSQL)."""

import datetime
from decimal import Decimal

import pytest

from comptoir.reports.models import TaxDailySummary
from comptoir.reports.periods import Period, filing_periods, period_of
from comptoir.reports.selectors import document_rows, documents_for_figure, figure_keys, tax_report
from comptoir.reports.summaries import rebuild_daily_sales
from comptoir.reports.testing import at, build_quarter

D = Decimal
Q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
Q2 = Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))


@pytest.fixture
def quarter(db):
    return build_quarter()


def test_every_figure_of_the_quarter_matches_the_hand_computation(quarter):
    report = tax_report(Q1)
    # Invoices of the quarter before taxes, (taxable, zero-rated, exempt):
    # Québec 100 + 12 delivery (112, 0, 0); Ontario mug 40 + exempt book 20 + 12, the delivery split
    # 8 : 4 like the goods (48, 0, 24);
    # Nova Scotia 200, free delivery (200, 0, 0); BC 80 + 12 (92, 0, 0); export 112 (0, 112, 0);
    # pickup coffee + book (100, 0, 20); pickup books only (0, 0, 40); late credit 112 (112, 0, 0):
    # (664, 112, 84).
    # Credit notes of the quarter: December's invoice (-112, 0, 0); BC's delivery fee (-12, 0, 0);
    # the pickup's cookbook (0, 0, -20); Nova Scotia, an amount (-50, 0, 0); Ontario in full
    # (-48, 0, -24); the export's delivery fee (0, -12, 0).
    assert report.taxable_amount == D("442.00")  # 664 - 112 - 12 - 50 - 48
    assert report.zero_rated_amount == D("100.00")  # 112 - 12
    assert report.exempt_amount == D("40.00")  # 84 - 20 - 24
    assert report.total_supplies_amount == D("542.00")  # line 101: exempt sales are not reported
    # GST: Québec 5.60 + BC 4.60 + pickup 5.00 + late 5.60 - December 5.60 - BC's fee 0.60
    assert report.gst_amount == D("14.60")
    # HST: Ontario 13 % of 48 = 6.24, credited the same quarter; Nova Scotia 14 % of 200 = 28.00,
    # less 14 % of the 50 credited = 7.00
    assert report.hst_by_province == {"ON": D("0.00"), "NS": D("21.00")}
    assert report.gst_hst_amount == D("35.60")  # line 103
    # QST: Québec 11.17 (11.172) + pickup 9.98 (9.975, half a cent up) + late 11.17 - December 11.17
    assert report.qst_amount == D("21.15")  # line 203
    assert report.pst_by_province == {"BC": D("5.60")}  # 7 % of 92 = 6.44, less 7 % of 12 = 0.84
    assert report.tax_total == D("62.35")
    assert (report.invoice_count, report.credit_note_count) == (8, 6)


def test_partial_credit_notes_count_what_they_credit(quarter):
    """Each partial credit note adds its own lines and its own tax lines, not a share of its
    invoice: the cookbook alone is non-taxable, the delivery fees and the amount taxable."""
    rows = {row.reference: row for row in document_rows(Q1) if row.kind == "credit_note"}
    expected = {
        quarter["british_columbia"]: (D("-12.00"), D("0"), D("0"), {"GST": D("-0.60"), "PST": D("-0.84")}),
        quarter["pickup"]: (D("0"), D("0"), D("-20.00"), {}),
        quarter["nova_scotia"]: (D("-50.00"), D("0"), D("0"), {"HST": D("-7.00")}),
        quarter["export"]: (D("0"), D("-12.00"), D("0"), {}),
    }
    for order, (taxable, zero_rated, exempt, taxes) in expected.items():
        note = order.invoice.credit_notes.get()
        row = rows[note.reference]
        assert (row.taxable_amount, row.zero_rated_amount, row.exempt_amount) == (taxable, zero_rated, exempt)
        assert {code: amount for code, amount in row.taxes.items() if amount} == taxes
        # The report counts the tax lines the credit note records, to the cent.
        assert sum(row.taxes.values(), D("0")) == note.tax_total
    pickup = quarter["pickup"]
    pickup.invoice.refresh_from_db()
    assert pickup.invoice.paid_amount == pickup.total_amount - D("20.00")  # the cookbook given back


def test_a_credit_note_of_the_next_quarter_counts_in_the_next_quarter_only(quarter):
    report = tax_report(Q2)
    assert (report.invoice_count, report.credit_note_count) == (0, 1)
    assert report.taxable_amount == D("-112.00")
    assert (report.gst_amount, report.qst_amount) == (D("-5.60"), D("-11.17"))
    late = quarter["late_credit"].invoice
    q1_numbers = [row.reference for row in document_rows(Q1)]
    q2_numbers = [row.reference for row in document_rows(Q2)]
    assert q1_numbers.count(late.reference) == 1
    assert late.reference not in q2_numbers
    assert [row.invoice_reference for row in document_rows(Q2)] == [late.reference]


def test_the_documents_add_up_to_every_figure_to_the_cent(quarter):
    for period in (Q1, Q2, Period(datetime.date(2025, 12, 1), datetime.date(2026, 6, 30))):
        report = tax_report(period)
        rows = document_rows(period)
        for key in figure_keys(report):
            documents = documents_for_figure(period, key)
            assert sum((row.figure(key) for row in documents), D("0")) == report.figure(key), key
            assert sum((row.figure(key) for row in rows), D("0")) == report.figure(key), key
        taxes = sum((row.tax_total for row in rows), D("0"))
        assert taxes == report.tax_total


def test_each_figure_lists_its_documents(quarter):
    references = {key: [row.reference for row in documents_for_figure(Q1, key)]
                  for key in ("zero_rated", "HST-NS", "PST-BC", "exempt")}

    def credit_note(name):
        return quarter[name].invoice.credit_notes.get().reference

    assert references["zero_rated"] == [quarter["export"].invoice.reference, credit_note("export")]
    assert references["HST-NS"] == [quarter["nova_scotia"].invoice.reference, credit_note("nova_scotia")]
    assert references["PST-BC"] == [quarter["british_columbia"].invoice.reference,
                                    credit_note("british_columbia")]
    assert references["exempt"] == [
        quarter["ontario"].invoice.reference, quarter["pickup"].invoice.reference,
        quarter["pickup_books"].invoice.reference, credit_note("pickup"), credit_note("ontario"),
    ]


def test_periods_follow_the_fiscal_year_and_the_filing_frequency():
    assert period_of(datetime.date(2026, 2, 14), months=3, fiscal_start_month=1) == Q1
    assert period_of(datetime.date(2026, 2, 14), months=3, fiscal_start_month=4) == Period(
        datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert period_of(datetime.date(2026, 5, 14), months=12, fiscal_start_month=4) == Period(
        datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
    current, previous = filing_periods(datetime.date(2026, 1, 20), frequency="monthly", fiscal_start_month=1)
    assert current == Period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    assert previous == Period(datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))


def test_the_daily_summaries_give_the_same_report(quarter):
    live = {period: tax_report(period) for period in (Q1, Q2)}
    with at("2026-07-01 03:00"):
        # Summarise every other day: the report mixes summaries and documents.
        day = datetime.date(2025, 12, 1)
        while day <= datetime.date(2026, 6, 30):
            rebuild_daily_sales(day)
            day += datetime.timedelta(days=2)
        for period in (Q1, Q2):
            mixed = tax_report(period)
            assert (mixed.taxable_amount, mixed.zero_rated_amount, mixed.exempt_amount, mixed.gst_amount,
                    mixed.hst_by_province, mixed.qst_amount, mixed.pst_by_province, mixed.invoice_count,
                    mixed.credit_note_count) == (
                live[period].taxable_amount, live[period].zero_rated_amount, live[period].exempt_amount,
                live[period].gst_amount, live[period].hst_by_province, live[period].qst_amount,
                live[period].pst_by_province, live[period].invoice_count, live[period].credit_note_count)
    assert TaxDailySummary.objects.exists()


def test_a_day_that_is_not_over_is_not_summarised(quarter):
    with at("2026-03-05 12:00"), pytest.raises(ValueError):
        rebuild_daily_sales(datetime.date(2026, 3, 5))
    assert not TaxDailySummary.objects.exists()
