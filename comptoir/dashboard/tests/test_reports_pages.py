"""The home page, the tax report, its documents and the exports, through the Django test client."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from comptoir.core.money import format_amount
from comptoir.core.testing import make_staff_user
from comptoir.invoicing.models import ClosedPeriod, Invoice
from comptoir.reports.models import ReportExport
from comptoir.reports.tasks import produce_export
from comptoir.reports.testing import build_quarter

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
Q1 = "du=2026-01-01&au=2026-03-31"


@pytest.fixture
def quarter(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_quarter()


@pytest.fixture
def staff(client, quarter):
    make_staff_user(username="marchand", password=PASSWORD)
    client.login(username="marchand", password=PASSWORD)
    return client


def test_sign_in_opens_the_dashboard(client, quarter):
    make_staff_user(username="marchand", password=PASSWORD)
    response = client.post(reverse("dashboard:login"), {"username": "marchand", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    page = client.get(response["Location"]).content.decode()
    assert "Tableau de bord" in page and "À faire aujourd’hui" in page


def test_the_tax_report_shows_the_return_lines_and_links_each_figure(staff, quarter):
    page = staff.get(f"{reverse('dashboard:tax_report')}?{Q1}").content.decode()
    for amount in ("542.00", "35.60", "21.15"):  # lines 101 (exempt sales left out), 103 and 203
        assert format_amount(Decimal(amount), "fr") in page
    assert f"{reverse('dashboard:tax_report_documents', args=['HST-NS'])}?{Q1}".replace("&", "&amp;") in page
    documents = staff.get(f"{reverse('dashboard:tax_report_documents', args=['PST-BC'])}?{Q1}")
    assert format_amount(Decimal("6.44"), "fr") in documents.content.decode()
    assert quarter["british_columbia"].invoice.reference in documents.content.decode()


def test_a_bad_period_is_refused_with_a_message(staff):
    response = staff.get(f"{reverse('dashboard:tax_report')}?du=2026-03-31&au=2026-01-01", follow=True)
    assert "La fin de la période précède son début." in response.content.decode()


def test_the_journal_csv_reads_back_with_accents_and_decimal_commas(staff):
    response = staff.post(reverse("dashboard:export_create"), {
        "du": "2026-01-01", "au": "2026-03-31", "kind": "journal", "format": "csv", "language": "fr",
        "decimal": "comma",
    })
    assert response["Location"] == reverse("dashboard:export_list")
    export = ReportExport.objects.get()
    # The request only records the export; the worker produces the file.
    assert export.status == ReportExport.Status.PENDING
    assert "En préparation" in staff.get(reverse("dashboard:export_list")).content.decode()
    assert produce_export(export.pk) == "done"
    assert "Télécharger" in staff.get(reverse("dashboard:export_list")).content.decode()
    download = staff.get(reverse("dashboard:export_download", args=[export.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Document", "Date", "Facture", "Commande", "Client", "Province"]
    assert len(rows) == 1 + 14 + 1  # header, 8 invoices and 6 credit notes, totals
    assert rows[-1][0] == "Total"
    assert rows[-1][6:12] == ["582,00", "14,60", "21,00", "21,15", "5,60", "644,35"]
    assert any(row[5] == "Nouvelle-Écosse" for row in rows)
    assert any(row[5] == "Hors Canada" for row in rows)


def test_the_tax_report_workbook_has_the_same_totals(staff):
    staff.post(reverse("dashboard:export_create"), {
        "du": "2026-01-01", "au": "2026-03-31", "kind": "tax_report", "format": "xlsx", "language": "en",
        "decimal": "point",
    })
    export = ReportExport.objects.get()
    produce_export(export.pk)
    export.refresh_from_db()
    sheet = openpyxl.load_workbook(io.BytesIO(export.file.read())).active
    values = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert {line: Decimal(str(amount)) for line, amount in values.items()} == {
        "101": Decimal("542.00"), "103": Decimal("35.60"), "203": Decimal("21.15")}


def test_closing_a_period_refuses_a_later_document_dated_inside_it(staff, quarter):
    response = staff.post(reverse("dashboard:close_tax_period"), {"du": "2026-01-01", "au": "2026-03-31"})
    assert response.status_code == 302
    assert ClosedPeriod.objects.filter(start_date=datetime.date(2026, 1, 1)).exists()


def test_the_zip_holds_the_pdfs_of_the_period(staff, quarter):
    staff.post(reverse("dashboard:export_create"), {
        "du": "2026-03-01", "au": "2026-03-31", "kind": "pdfs", "format": "zip", "language": "fr",
        "decimal": "comma",
    })
    export = ReportExport.objects.get()
    assert produce_export(export.pk) == "done"
    export.refresh_from_db()
    # 4 invoices and 4 credit notes in March
    assert (export.progress, export.progress_total, export.percent) == (8, 8, 100)
    with zipfile.ZipFile(io.BytesIO(export.file.read())) as archive:
        names = sorted(archive.namelist())
        assert all(archive.read(name).startswith(b"%PDF") for name in names)
    invoices = [quarter[name].invoice.reference
                for name in ("export", "pickup", "pickup_books", "late_credit")]
    notes = [Invoice.objects.get(order=quarter[name]).credit_notes.get().reference
             for name in ("pickup", "nova_scotia", "ontario", "export")]
    assert names == sorted([f"factures/{reference}.pdf" for reference in invoices]
                           + [f"notes-de-credit/{note}.pdf" for note in notes])


def test_a_bad_export_request_is_refused_and_records_nothing(staff):
    for data in ({"kind": "pdfs", "format": "csv"}, {"kind": "journal", "format": "pdf"},
                 {"kind": "journal", "format": "zip"}):
        response = staff.post(reverse("dashboard:export_create"), {
            "du": "2026-01-01", "au": "2026-03-31", "language": "fr", "decimal": "comma", **data})
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard:tax_report")
    assert not ReportExport.objects.exists()


def test_the_daily_commands(quarter):
    out = io.StringIO()
    call_command("rebuild_daily_sales", "--date", "2026-03-06", "--days", "2", stdout=out)
    assert out.getvalue().splitlines() == ["2026-03-05: 1 orders", "2026-03-06: 1 orders"]
    with pytest.raises(CommandError):
        call_command("rebuild_daily_sales", "--date", "06/03/2026")
    call_command("send_low_stock_alert", stdout=out)
    assert "0 message(s)" in out.getvalue()  # no alert set


def test_the_pages_read_as_english_in_english(staff, quarter):
    report = staff.get(f"/en/gestion/rapports/taxes/?{Q1}").content.decode()
    assert "Tax report" in report and "$542.00" in report and "$35.60" in report
    assert "«" not in report and "Rapport de taxes" not in report
    home = staff.get("/en/gestion/").content.decode()
    assert "Dashboard" in home and "To do today" in home and "Tableau de bord" not in home
    assert "«" not in home
