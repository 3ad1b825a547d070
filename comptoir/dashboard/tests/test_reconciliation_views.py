"""« Rapprochement bancaire »: import, proposals with their confidence, one-click confirmation."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.banking.models import BankStatementLine, CsvMapping
from comptoir.banking.tests.builders import interac_order, interac_shop
from comptoir.banking.tests.fixtures import fixture
from comptoir.invoicing.models import Invoice
from comptoir.payments.models import Payment

pytestmark = pytest.mark.django_db

PAGE = "/fr/gestion/rapprochement/"


@pytest.fixture
def order(shop):
    interac_shop()
    return interac_order()


def upload(client, kind, data, name, **extra):
    return client.post(reverse("dashboard:reconciliation_import"), {
        "kind": kind, "file": SimpleUploadedFile(name, data), **extra}, follow=True)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_import_propose_confirm_like_a_manual_payment(staff_client, order):
    data = fixture("desjardins.ofx", AMOUNT1=order.invoice.balance_amount, REF1=order.payment_reference)
    response = upload(staff_client, "ofx", data, "releve.ofx")
    page = text(response)
    assert "2 crédits lus : 2 nouveaux, 0 déjà importés." in page
    assert "Sûr" in page and order.invoice.reference in page
    assert "Confirmer toutes les correspondances sûres" in page
    line = BankStatementLine.objects.get(amount=order.invoice.balance_amount)

    response = staff_client.post(reverse("dashboard:reconciliation_confirm", args=[line.pk]),
                                 {"invoice": order.invoice.number}, follow=True)

    assert f"la facture {order.invoice.reference} est payée" in text(response)
    order.invoice.refresh_from_db()
    assert order.invoice.status == Invoice.Status.PAID
    payment = Payment.objects.get()
    assert payment.method == "interac" and payment.received_on.isoformat() == "2026-12-02"
    # The same file again: recognised, nothing new, nothing paid twice.
    response = upload(staff_client, "ofx", data, "releve.ofx")
    assert "2 crédits lus : 0 nouveaux, 2 déjà importés." in text(response)
    response = staff_client.post(reverse("dashboard:reconciliation_confirm", args=[line.pk]),
                                 {"invoice": order.invoice.number}, follow=True)
    assert "ne paie plus rien" in text(response)
    assert Payment.objects.count() == 1


def test_csv_with_a_saved_bank_mapping(staff_client, order):
    response = staff_client.post(reverse("dashboard:reconciliation_mapping"), {
        "name": "Banque Nationale", "date_column": "Date", "description_column": "Description",
        "amount_column": "Montant", "reference_column": "Référence", "delimiter": ";",
        "decimal_comma": "on", "date_format": "%Y-%m-%d"}, follow=True)
    assert "Les colonnes CSV de « Banque Nationale » sont enregistrées." in text(response)
    mapping = CsvMapping.objects.get()
    amount = str(order.invoice.balance_amount).replace(".", ",")
    data = fixture("banque-nationale.csv", AMOUNT2=amount, REF2=order.payment_reference)

    response = upload(staff_client, "csv", data, "releve.csv", mapping=mapping.pk)
    page = text(response)

    assert "2 crédits lus : 2 nouveaux" in page and "Sûr" in page
    response = staff_client.post(reverse("dashboard:reconciliation_confirm_sure"), follow=True)
    assert "1 paiements enregistrés" in text(response)
    order.invoice.refresh_from_db()
    assert order.invoice.status == Invoice.Status.PAID
    # The interest line stays, unmatched; it can be ignored.
    interest = BankStatementLine.objects.get(status="open")
    staff_client.post(reverse("dashboard:reconciliation_dismiss", args=[interest.pk]))
    interest.refresh_from_db()
    assert interest.status == "dismissed"


def test_a_pasted_interac_notification(staff_client, order):
    amount = str(order.invoice.balance_amount).replace(".", ",")
    pasted = fixture("interac-fr.eml").decode().replace("1 045,99", amount).replace(
        "CPT-AQMMF7", order.payment_reference)
    response = staff_client.post(reverse("dashboard:reconciliation_import"),
                                 {"kind": "interac", "pasted": pasted}, follow=True)
    assert "1 crédits lus : 1 nouveaux" in text(response)
    assert "Sûr" in text(response)


@pytest.mark.parametrize(("kind", "data", "message"), [
    ("ofx", b"pas un releve", "n'est pas un relevé OFX ou QFX lisible"),
    ("interac", b"Bonjour, voici une facture.", "n'est pas une notification de virement Interac"),
])
def test_a_bad_file_gets_a_clear_error_and_stores_nothing(staff_client, order, kind, data, message):
    response = upload(staff_client, kind, data, "fichier.txt")
    assert message in text(response)
    assert BankStatementLine.objects.count() == 0


def test_a_csv_without_its_bank_is_refused(staff_client, order):
    response = upload(staff_client, "csv", fixture("banque-nationale.csv"), "releve.csv")
    assert "Choisissez la banque" in text(response)
    assert BankStatementLine.objects.count() == 0


def test_the_page_runs_the_same_queries_whatever_the_number_of_lines(staff_client, order):
    def statement(count, start):
        rows = "".join(f"2026-12-0{1 + index % 2},Virement Interac CLIENT {start + index},{10 + index}.00,\n"
                       for index in range(count))
        return f"Date,Description,Amount,Ref\n{rows}".encode()

    mapping = CsvMapping.objects.create(name="B", date_column="Date", description_column="Description",
                                        amount_column="Amount", reference_column="Ref")
    upload(staff_client, "csv", statement(2, 0), "a.csv", mapping=mapping.pk)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(PAGE).status_code == 200
    upload(staff_client, "csv", statement(40, 100), "b.csv", mapping=mapping.pk)
    interac_order("10.00", first_name="Client", last_name="100")
    with CaptureQueriesContext(connection) as many:
        assert staff_client.get(PAGE).status_code == 200
    assert len(many) == len(few)


def test_odd_parameters_do_not_break_the_page(staff_client, order):
    for value in ["\x00", "-1", "²", "9223372036854775808", "a" * 3000]:
        assert staff_client.get(PAGE, {"page": value, "banque": value}).status_code == 200


def test_customers_and_anonymous_do_not_reach_it(client, customer_user, order):
    assert client.get(PAGE).status_code == 302
    client.force_login(customer_user)
    assert client.get(PAGE).status_code == 403
    line_count = BankStatementLine.objects.count()
    client.post(reverse("dashboard:reconciliation_import"), {"kind": "ofx"})
    assert BankStatementLine.objects.count() == line_count


def test_a_payment_reference_finds_its_order_and_invoice(staff_client, order):
    other = interac_order("12.00", first_name="Jean", last_name="Roy", email="jean@example.test")
    typed = order.payment_reference.lower().replace("-", " ")
    orders = staff_client.get(reverse("dashboard:order_list"), {"q": typed}).content.decode()
    invoices = staff_client.get(reverse("dashboard:invoice_list"), {"q": typed}).content.decode()
    assert f"/commandes/{order.number}/" in orders and f"/commandes/{other.number}/" not in orders
    assert order.invoice.reference in invoices and other.invoice.reference not in invoices
