"""« Tableau de bord » in Chromium: sign in lands on it, today's counts link to the filtered order
lists, the charts render with their table of figures, it fits a phone, and axe finds nothing."""

import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from comptoir.checkout.testing import place_test_order
from comptoir.configuration.permissions import OWNER_GROUP
from comptoir.core.testing import (
    check_accessibility,
    enter_two_factor_code,
    give_two_factor,
    make_delivery_methods,
    make_product,
    make_shop,
    make_staff_user,
)
from comptoir.invoicing.models import Invoice
from comptoir.notifications.models import Notification
from comptoir.orders.services import change_order_status
from comptoir.payments.services import record_payment

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


@pytest.fixture
def today_orders(db):
    """Today: 2 new orders, 1 awaiting payment, 1 paid and ready to complete; a failed message;
    one product under its own threshold."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_delivery_methods()
    make_shop(alert_email="marchand@delices.test")
    owner = make_staff_user(username="marchand", password=PASSWORD)
    give_two_factor(owner)  # owners sign in with a code (the sign-in helper types it)
    owner.groups.add(Group.objects.get_or_create(name=OWNER_GROUP)[0])
    coffee = make_product(name_fr="Café du matin", price_amount=D("100.00"), stock=30)
    jam = make_product(name_fr="Confiture de bleuets", price_amount=D("8.50"), stock=30,
                       low_stock_threshold=29)
    new = [place_test_order([(coffee, 1)]), place_test_order([(jam, 2)], email="luc@example.test")]
    waiting = place_test_order([(coffee, 2)], email="sophie@example.test")
    change_order_status(waiting, to="awaiting_payment", actor=None)
    ready = place_test_order([(jam, 1)], email="ana@example.test")
    record_payment(Invoice.objects.get(order=ready), method="cheque")
    Notification.objects.create(channel="sms", template="new_order", recipient="+15145550177", language="fr",
                                status="failed", attempts=8, last_error="503", dedupe_key="test:sms")
    return {"new": new, "waiting": waiting, "ready": ready}


def order_numbers(page) -> set[int]:
    texts = page.locator("table tbody tr .order-number").all_inner_texts()
    return {int(re.sub(r"\D", "", text)) for text in texts}


def test_the_dashboard_shows_today_and_links_to_the_filtered_lists(page, live_server, today_orders):
    page.goto(f"{live_server.url}/fr/gestion/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("marchand")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    enter_two_factor_code(page, "marchand")
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    # The ready order is still « Nouvelle »: it counts as new and as ready to complete.
    expected = {"#todo-new": "3", "#todo-awaiting": "1", "#todo-ready": "1", "#todo-failed": "1",
                "#todo-low-stock": "1"}
    for selector, count in expected.items():
        expect(page.locator(f"{selector} .todo-count")).to_have_text(count)
    expect(page.locator("#todo-awaiting")).to_contain_text(f"nº {today_orders['waiting'].number}")
    check_accessibility(page, "« Tableau de bord »")

    svg = page.locator("svg[role=img]").first
    expect(svg).to_be_visible()
    assert svg.locator("title").text_content() == "Ventes par jour, avant taxes"
    assert page.locator("svg[role=img] rect.bar").count() == 60
    page.get_by_text("Chiffres des graphiques, jour par jour").click()
    expect(page.locator("table.daily-figures")).to_be_visible()
    assert page.locator("table.daily-figures tbody tr").count() == 30
    check_accessibility(page, "« Tableau de bord » with the figures of the charts open")

    lists = [
        ("#todo-new", "Nouvelle", {o.number for o in today_orders["new"]} | {today_orders["ready"].number}),
        ("#todo-awaiting", "En attente du paiement", {today_orders["waiting"].number}),
        ("#todo-ready", "Payée — prête à compléter", {today_orders["ready"].number}),
    ]
    for selector, tab, numbers in lists:
        page.goto(f"{live_server.url}/fr/gestion/")
        page.locator(selector).click()
        expect(page.get_by_role("heading", name="Commandes", level=1)).to_be_visible()
        expect(page.locator(".tabs [aria-current=page]")).to_contain_text(tab)
        assert order_numbers(page) == numbers, tab
    page.goto(f"{live_server.url}/fr/gestion/")
    page.locator("#todo-low-stock").click()
    expect(page.locator("main")).to_contain_text("Confiture de bleuets")
    expect(page.locator("main")).not_to_contain_text("Café du matin")
    page.goto(f"{live_server.url}/fr/gestion/")
    page.locator("#todo-failed").click()
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(page.locator("main tbody")).to_contain_text("+15145550177")


def test_the_dashboard_fits_a_phone(page, live_server, today_orders):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/fr/gestion/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("marchand")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    enter_two_factor_code(page, "marchand")
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    box = page.locator("svg[role=img]").first.bounding_box()
    assert 250 <= box["width"] <= 375
    check_accessibility(page, "« Tableau de bord » on a phone")


@pytest.fixture
def quarter(db, settings, tmp_path):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MEDIA_ROOT = tmp_path
    from comptoir.reports.testing import build_quarter

    orders = build_quarter()
    make_staff_user(username="marchand", password=PASSWORD)
    return orders


def test_the_tax_report_its_documents_and_exports_pages(page, live_server, quarter):
    from .conftest import sign_in

    sign_in(page, live_server)
    page.locator("nav.sidebar").get_by_role("link", name="Rapports").click()
    expect(page.get_by_role("heading", name="Rapport de taxes", level=1)).to_be_visible()
    page.locator("#id_du").fill("2026-01-01")
    page.locator("#id_au").fill("2026-03-31")
    page.get_by_role("button", name="Afficher").click()
    lines = page.locator("table.return-lines")
    expect(lines).to_contain_text("542,00")
    check_accessibility(page, "« Rapport de taxes »")
    page.get_by_role("link", name=re.compile("TVH perçue — Nouvelle-Écosse")).click()
    expect(page.get_by_role("heading", name="TVH perçue — Nouvelle-Écosse", level=1)).to_be_visible()
    documents = page.locator("table.report-documents tbody")
    expect(documents).to_contain_text(quarter["nova_scotia"].invoice.reference)
    expect(page.locator("table.report-documents tfoot")).to_contain_text("21,00")
    check_accessibility(page, "documents of a figure of the tax report")
    page.get_by_role("link", name="Rapport de taxes").first.click()
    page.get_by_label("Format").select_option("xlsx")
    page.get_by_role("button", name="Préparer l’exportation").click()
    expect(page.get_by_role("heading", name="Exportations", level=1)).to_be_visible()
    expect(page.locator("table.exports")).to_contain_text("En préparation")
    check_accessibility(page, "« Exportations » with an export being prepared")
