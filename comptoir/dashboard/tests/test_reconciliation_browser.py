"""In a browser, in French: a guest pays by « Virement Interac »; the merchant imports the bank's
CSV and OFX files in « Rapprochement bancaire » and confirms what they pay in one click each."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from comptoir.banking.models import BankStatementLine
from comptoir.banking.tests.builders import interac_order, interac_shop
from comptoir.banking.tests.fixtures import fixture
from comptoir.core.testing import make_delivery_methods, make_product, make_staff_user
from comptoir.invoicing.models import Invoice
from comptoir.notifications.services import deliver_pending
from comptoir.orders.models import Order
from comptoir.orders.references import ALPHABET, is_valid
from comptoir.payments.models import Payment

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def with_typo(reference: str) -> str:
    position = len(reference) - 3
    other = next(char for char in ALPHABET if char != reference[position])
    return reference[:position] + other + reference[position + 1:]


def guest_orders_with_interac(page, live_server, product) -> Order:
    page.goto(f"{live_server.url}/fr/produit/{product.slug}/")
    page.get_by_role("button", name="Ajouter au panier").click()
    page.goto(f"{live_server.url}/fr/panier/")
    page.get_by_role("link", name="Passer la commande").or_(
        page.get_by_role("button", name="Passer la commande")).first.click()
    page.fill("input[name=contact-email]", "sophie.lavoie@example.test")
    page.fill("input[name=contact-phone]", "514 555-0111")
    for field, value in {"first_name": "Sophie", "last_name": "Lavoie", "line1": "88, rue Rachel Est",
                         "city": "Montréal", "postal_code": "H2J 2H5"}.items():
        page.fill(f"input[name=billing-{field}]", value)
    page.select_option("select[name=billing-province]", "QC")
    page.get_by_label(re.compile("Cueillette en magasin")).check()
    page.get_by_label("Virement Interac").check()
    page.get_by_role("button", name="Vérifier ma commande").click()
    expect(page.locator("main")).to_contain_text("envoyez un virement Interac")
    page.get_by_role("button", name="Confirmer ma commande").click()
    expect(page.get_by_role("heading", name="Merci de votre commande !")).to_be_visible()
    order = Order.objects.get(email="sophie.lavoie@example.test")
    main = page.locator("main")
    expect(main).to_contain_text(order.payment_reference)
    expect(main).to_contain_text("paiements@delices.test")
    page.screenshot_as("interac-confirmation")
    return order


def import_file(page, kind, name, data, *, bank=None):
    page.get_by_label("Type de fichier").select_option(kind)
    if bank:
        page.get_by_label("Banque (colonnes CSV)").select_option(label=bank)
    page.locator("input[name=file]").set_input_files(files=[{"name": name, "mimeType": "text/plain",
                                                               "buffer": data}])
    page.get_by_role("button", name="Importer", exact=True).click()


def test_interac_order_paid_through_bank_reconciliation(page, live_server, smtp_server, settings):
    settings.SITE_URL = live_server.url
    make_delivery_methods()
    interac_shop()
    make_staff_user(username="marchand", password=PASSWORD, first_name="Julie", last_name="Gagnon")
    product = make_product(name_fr="Sirop d'érable", price_amount=Decimal("24.00"), stock=10)

    order = guest_orders_with_interac(page, live_server, product)
    # The instructions and the reference, by email (real SMTP).
    deliver_pending()
    [email] = smtp_server.to("sophie.lavoie@example.test")
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert order.payment_reference in body and "Virement Interac" in body
    assert "paiements@delices.test" in body and "24,00" in body
    # Another customer's order, whose transfer carries a typo in its reference.
    other = interac_order("31.00", first_name="Jean", last_name="Roy", email="jean.roy@example.test")
    typo = with_typo(other.payment_reference)
    assert not is_valid(typo)
    amount = order.invoice.balance_amount
    csv_data = fixture("banque-nationale.csv", AMOUNT2=str(amount).replace(".", ","),
                       NAME2="SOPHIE LAVOIE", REF2=order.payment_reference)
    ofx_data = fixture("desjardins.ofx", AMOUNT1=other.invoice.balance_amount, NAME1="JEAN ROY", REF1=typo)

    sign_in(page, live_server)
    page.locator("nav.sidebar").get_by_role("link", name="Rapprochement bancaire").click()
    expect(page.get_by_role("heading", name="Rapprochement bancaire", level=1)).to_be_visible()
    # The bank's CSV columns, remembered under its name.
    page.get_by_label("Banque", exact=True).fill("Banque Nationale")
    page.get_by_label("Colonne de la date").fill("Date")
    page.get_by_label("Colonne de la description").fill("Description")
    page.get_by_label("Colonne du montant").fill("Montant")
    page.get_by_label("Colonne de la référence (facultatif)").fill("Référence")
    page.get_by_label("Séparateur").select_option(";")
    page.get_by_label("Montants avec une virgule décimale (12,50)").check()
    page.get_by_role("button", name="Enregistrer les colonnes").click()
    expect(page.locator("main")).to_contain_text("Les colonnes CSV de « Banque Nationale » sont enregistrées")

    import_file(page, "csv", "releve-banque-nationale.csv", csv_data, bank="Banque Nationale")
    expect(page.locator("main")).to_contain_text("2 crédits lus : 2 nouveaux, 0 déjà importés.")
    import_file(page, "ofx", "releve-desjardins.ofx", ofx_data)
    expect(page.locator("main")).to_contain_text("2 crédits lus : 2 nouveaux, 0 déjà importés.")

    sure = page.locator("tr.bank-line", has_text="SOPHIE LAVOIE")
    probable = page.locator("tr.bank-line", has_text="JEAN ROY")
    expect(sure).to_contain_text("Sûr")
    expect(sure).to_contain_text(order.invoice.reference)
    expect(probable).to_contain_text("Probable")
    expect(probable).to_contain_text(other.invoice.reference)
    expect(probable).to_contain_text(typo)
    for unrelated in ("Intérêts", "FOURNISSEUR"):
        expect(page.locator("tr.bank-line", has_text=unrelated)).to_contain_text("Aucune correspondance")
    page.screenshot_as("interac-reconciliation-proposals")

    sure.get_by_role("button", name="Confirmer").click()
    expect(page.locator("main")).to_contain_text(f"la facture {order.invoice.reference} est payée")
    page.locator("tr.bank-line", has_text="JEAN ROY").get_by_role("button", name="Confirmer").click()
    expect(page.locator("main")).to_contain_text(f"la facture {other.invoice.reference} est payée")
    expect(page.locator("tr.bank-line", has_text="Intérêts")).to_contain_text("Aucune correspondance")
    expect(page.locator("tr.bank-line", has_text="FOURNISSEUR")).to_be_visible()

    for paid in (order, other):
        page.goto(f"{live_server.url}/fr/gestion/commandes/{paid.number}/facture/")
        expect(page.locator("main")).to_contain_text("Payée")
    assert set(Invoice.objects.values_list("status", flat=True)) == {Invoice.Status.PAID}
    assert sorted(Payment.objects.values_list("method", "reference")) == sorted([
        ("interac", order.payment_reference), ("interac", typo)])

    # The same files again: recognised line by line, nothing pays twice.
    page.locator("nav.sidebar").get_by_role("link", name="Rapprochement bancaire").click()
    import_file(page, "csv", "releve-banque-nationale.csv", csv_data, bank="Banque Nationale")
    expect(page.locator("main")).to_contain_text("2 crédits lus : 0 nouveaux, 2 déjà importés.")
    import_file(page, "ofx", "releve-desjardins.ofx", ofx_data)
    expect(page.locator("main")).to_contain_text("2 crédits lus : 0 nouveaux, 2 déjà importés.")
    assert Payment.objects.count() == 2
    assert BankStatementLine.objects.count() == 4
    expect(page.locator("tr.bank-line")).to_have_count(2)
    page.screenshot_as("interac-reconciliation-after")
