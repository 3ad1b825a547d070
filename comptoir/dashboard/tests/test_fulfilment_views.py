"""Back-office shipping, pickup, packing slips, filters, batch work and exports."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from comptoir.core.testing import make_order, make_product
from comptoir.fulfilment.batch import render_batch_job
from comptoir.fulfilment.models import BatchJob, Shipment
from comptoir.fulfilment.services import Parcel, ship_order
from comptoir.invoicing.services import issue_invoice
from comptoir.orders.models import Order, OrderEvent, OrderTax
from comptoir.orders.services import update_order_line

from .test_query_counts import add_orders, count_queries

pytestmark = pytest.mark.django_db


def timeline_text(page: str) -> str:
    """The order page's timeline as plain text, one entry per line."""
    section = page.split('class="timeline"')[1].split("</ol>")[0]
    entries = re.findall(r"<li[^>]*>(.*?)</li>", section, flags=re.S)
    return "\n".join(" ".join(re.sub(r"<[^>]+>", " ", entry).split()) for entry in entries)


@pytest.fixture
def coffee(shop):
    return make_product(
        sku="CAF-001",
        name_fr="Café équitable",
        name_en="Fair coffee",
        price_amount=Decimal("7.50"),
        stock=500,
    )


def test_ship_from_the_order_page(staff_client, coffee, merchant):
    order = make_order([(coffee, 3)])
    line = order.lines.get()
    response = staff_client.post(
        reverse("dashboard:order_ship", args=[order.number]),
        {
            "carrier": "canada_post",
            "tracking_number": "AB123456789CA",
            f"quantity_{line.pk}": "2",
            "note": "Le reste suit",
        },
        follow=True,
    )
    assert "Colis 1 de la commande" in response.content.decode()
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.PARTIAL
    page = staff_client.get(reverse("dashboard:order_detail", args=[order.number])).content.decode()
    assert "Partiellement expédiée" in page
    assert "https://www.canadapost-postescanada.ca/track-reperage/fr#/details/AB123456789CA" in page
    assert "Colis 1 expédié (Postes Canada AB123456789CA), 2 article(s)" in page


def test_bad_input_on_the_order_page_changes_nothing(staff_client, coffee):
    order = make_order([(coffee, 3)])
    line = order.lines.get()
    url = reverse("dashboard:order_ship", args=[order.number])
    for payload, message in [
        (
            {"carrier": "purolator", "tracking_number": "1234", f"quantity_{line.pk}": "1"},
            "« 1234 » n&#x27;est pas un numéro de suivi Purolator : attendu 12 chiffres.",
        ),
        (
            {"carrier": "ups", "tracking_number": "1Z999AA10123456784", f"quantity_{line.pk}": "4"},
            "il n&#x27;en reste que 3 à expédier sur 3 commandés",
        ),
        (
            {"carrier": "other", "tracking_number": "X-1", f"quantity_{line.pk}": "1"},
            "Entrez le nom du transporteur.",
        ),
        ({"carrier": "pigeon", "tracking_number": "1", f"quantity_{line.pk}": "1"}, "Transporteur"),
    ]:
        response = staff_client.post(url, payload, follow=True)
        assert message in response.content.decode()
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.UNFULFILLED
    assert not Shipment.objects.exists()
    assert not order.events.filter(kind=OrderEvent.Kind.SHIPMENT_CREATED).exists()


def test_correct_and_cancel_from_the_order_page(staff_client, coffee, merchant):
    order = make_order([(coffee, 1)])
    ship_order(order, parcel=Parcel(carrier="purolator", tracking_number="123456789012"), actor=merchant)
    staff_client.post(
        reverse("dashboard:shipment_correct", args=[order.number, 1]),
        {"carrier": "purolator", "tracking_number": "123456789013"},
    )
    assert Shipment.objects.get().tracking_number == "123456789013"
    staff_client.post(reverse("dashboard:shipment_cancel", args=[order.number, 1]))
    assert Shipment.objects.get().status == "cancelled"
    page = staff_client.get(reverse("dashboard:order_detail", args=[order.number])).content.decode()
    timeline = timeline_text(page)
    assert "Colis 1 corrigé : Purolator 123456789012 → Purolator 123456789013 — Julie Gagnon" in timeline
    assert "Colis 1 annulé — Julie Gagnon" in timeline


def test_pickup_buttons(staff_client, shop, merchant):
    order = make_order(delivery_kind="pickup")
    staff_client.post(reverse("dashboard:order_ready_for_pickup", args=[order.number]))
    staff_client.post(reverse("dashboard:order_picked_up", args=[order.number]))
    order.refresh_from_db()
    assert order.fulfilment_state == Order.Fulfilment.PICKED_UP
    page = staff_client.get(reverse("dashboard:order_detail", args=[order.number])).content.decode()
    timeline = timeline_text(page)
    assert "Prête pour la cueillette — Julie Gagnon" in timeline
    assert "Remise au client — Julie Gagnon" in timeline
    assert f"Courriel « Prête pour la cueillette » à {order.email}" in timeline


def test_packing_slip_pdf_in_the_customers_language(staff_client, coffee, merchant):
    order = make_order([(coffee, 2)], language="en")
    ship_order(order, parcel=Parcel(carrier="ups", tracking_number="1Z999AA10123456784"), actor=merchant)
    for url in [
        reverse("dashboard:packing_slip_pdf", args=[order.number]),
        reverse("dashboard:shipment_packing_slip_pdf", args=[order.number, 1]),
    ]:
        response = staff_client.get(url)
        assert response["Content-Type"] == "application/pdf"
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "PACKING SLIP" in text
        assert "Fair coffee" in text and "CAF-001" in text
        assert str(order.number) in text
        assert "7.50" not in text and "15.00" not in text  # no prices


def test_all_lines_saved_at_once(staff_client, shop, merchant):
    coffee = make_product(sku="CAF-001", name_fr="Café équitable", price_amount=Decimal("7.50"), stock=50)
    jam = make_product(sku="CONF-002", price_amount=Decimal("4.00"), stock=50)
    order = make_order([(coffee, 1), (jam, 1)])
    coffee_line, jam_line = order.lines.order_by("position")
    response = staff_client.post(
        reverse("dashboard:order_update_lines", args=[order.number]),
        {
            f"quantity_{coffee_line.pk}": "3",
            f"unit_price_{coffee_line.pk}": "7,50",
            f"quantity_{jam_line.pk}": "1",
            f"unit_price_{jam_line.pk}": "3,75",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Lignes enregistrées." in page
    assert list(order.lines.order_by("position").values_list("quantity", "unit_price_amount")) == [
        (3, Decimal("7.50")),
        (1, Decimal("3.75")),
    ]
    # Only what changed is told: no « prix unitaire 7,50 $ → 7,50 $ ».
    timeline = timeline_text(page)
    assert "Ligne modifiée : Café équitable, quantité 1 → 3 —" in timeline.replace("\xa0", " ")
    assert "7,50 $ → 7,50 $" not in timeline.replace("\xa0", " ")
    assert "prix unitaire 4,00 $ → 3,75 $" in timeline.replace("\xa0", " ")
    assert order.events.filter(kind=OrderEvent.Kind.LINE_CHANGED).count() == 2


def test_lines_form_refusal_changes_no_line(staff_client, shop):
    coffee = make_product(sku="CAF-001", price_amount=Decimal("7.50"), stock=1)
    jam = make_product(sku="CONF-002", price_amount=Decimal("4.00"), stock=50)
    order = make_order([(coffee, 1), (jam, 1)])
    coffee_line, jam_line = order.lines.order_by("position")
    staff_client.post(
        reverse("dashboard:order_update_lines", args=[order.number]),
        {
            f"quantity_{coffee_line.pk}": "1",
            f"unit_price_{coffee_line.pk}": "6,00",
            f"quantity_{jam_line.pk}": "80",
            f"unit_price_{jam_line.pk}": "4,00",  # not enough stock
        },
    )
    assert list(order.lines.order_by("position").values_list("quantity", "unit_price_amount")) == [
        (1, Decimal("7.50")),
        (1, Decimal("4.00")),
    ]
    assert not order.events.filter(kind=OrderEvent.Kind.LINE_CHANGED).exists()


def test_timeline_of_an_older_no_op_price_change(staff_client, shop, merchant):
    coffee = make_product(sku="CAF-001", price_amount=Decimal("7.50"), stock=50)
    order = make_order([(coffee, 1)])
    update_order_line(order.lines.get(), quantity=2, unit_price_amount=Decimal("7.50"), actor=merchant)
    page = staff_client.get(reverse("dashboard:order_detail", args=[order.number])).content.decode()
    timeline = timeline_text(page)
    assert "quantité 1 → 2" in timeline
    assert "prix unitaire" not in timeline


# --- List: filters, selection, batch actions, exports ------------------------------------------


def _paid(order):
    invoice = issue_invoice(order)
    Order.objects.filter(pk=order.pk).update(invoice_paid=True)
    invoice.status, invoice.paid_at = "paid", timezone.now()
    invoice.save()
    return invoice


def test_filters_combine_and_stay_in_the_url(staff_client, shop):
    shipped = make_order(payment_method="cheque")
    pickup = make_order(delivery_kind="pickup", payment_method="cod")
    paid = make_order(payment_method="cheque")
    _paid(paid)
    Order.objects.filter(pk=shipped.pk).update(fulfilment_state="shipped")
    url = reverse("dashboard:order_list")

    def numbers(**params):
        page = staff_client.get(url, params).content.decode()
        return {order.number for order in (shipped, pickup, paid) if f'id="order-{order.number}"' in page}

    assert numbers() == {shipped.number, pickup.number, paid.number}
    assert numbers(payment="cheque") == {shipped.number, paid.number}
    assert numbers(payment="cheque", paid="unpaid") == {shipped.number}
    assert numbers(fulfilment="shipped") == {shipped.number}
    assert numbers(delivery=pickup.delivery_method_id) == {pickup.number}
    today = timezone.localdate().isoformat()
    assert numbers(date_from=today, date_to=today, paid="paid") == {paid.number}
    assert numbers(date_from="2001-01-01", date_to="2001-01-02") == set()
    page = staff_client.get(url, {"payment": "cheque", "paid": "unpaid"}).content.decode()
    assert 'href="?status=new&amp;payment=cheque&amp;paid=unpaid"' in page  # tabs keep the filters
    assert numbers(date_from="pas une date") == {shipped.number, pickup.number, paid.number}


def test_the_search_and_the_export_keep_the_filters_set_and_only_those(staff_client, shop):
    make_order(payment_method="cheque")
    page = staff_client.get(reverse("dashboard:order_list"), {
        "payment": "cheque", "paid": "", "date_from": '2026-01-01"><b>', "fulfilment": "shipped",
    }).content.decode()
    search = page.split('role="search"')[1].split("</form>")[0]
    export = page.split('class="export-form"')[1].split("</form>")[0]
    for form in (search, export):
        assert re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form) == [
            ("date_from", "2026-01-01&quot;&gt;&lt;b&gt;"), ("payment", "cheque"), ("fulfilment", "shipped"),
        ]
    plain = staff_client.get(reverse("dashboard:order_list")).content.decode()
    assert 'type="hidden" name="payment"' not in plain and 'type="hidden" name="paid"' not in plain


def test_batch_status_change_lists_refused_orders(staff_client, shop):
    new, cancelled = make_order(), make_order(status="cancelled")
    paid = make_order()
    _paid(paid)
    response = staff_client.post(
        reverse("dashboard:order_batch"),
        {
            "action": "status",
            "to": "awaiting_payment",
            "orders": [new.number, cancelled.number, paid.number],
        },
        follow=True,
    )
    page = response.content.decode()
    assert f"Commande {cancelled.number} inchangée : Une commande « Annulée » ne peut" in page
    assert "2 commande(s) maintenant « En attente du paiement »" in page
    assert Order.objects.get(pk=cancelled.pk).status == "cancelled"
    assert Order.objects.get(pk=new.pk).status == "awaiting_payment"
    assert not cancelled.events.filter(kind=OrderEvent.Kind.STATUS_CHANGED).exists()


def test_batch_ship_with_a_cancelled_order_and_a_bad_number(staff_client, coffee):
    good, bad, cancelled = make_order([(coffee, 1)]), make_order([(coffee, 1)]), make_order([(coffee, 1)])
    Order.objects.filter(pk=cancelled.pk).update(status="cancelled")
    page = staff_client.post(
        reverse("dashboard:order_batch"),
        {"action": "ship", "orders": [good.number, bad.number, cancelled.number]},
    ).content.decode()
    assert f'name="tracking_{cancelled.number}"' in page
    response = staff_client.post(
        reverse("dashboard:order_batch_ship"),
        {
            "carrier": "canada_post",
            f"tracking_{good.number}": "1111222233334444",
            f"tracking_{bad.number}": "12",
            f"tracking_{cancelled.number}": "5555666677778888",
        },
        follow=True,
    )
    page = response.content.decode()
    assert f"1 commande(s) marquée(s) comme expédiée(s) : {good.number}." in page
    assert f"Commande {bad.number} inchangée : « 12 » n&#x27;est pas un numéro de suivi Postes Canada" in page
    assert f"Commande {cancelled.number} inchangée : Une commande annulée ne peut pas être expédiée." in page
    assert list(Shipment.objects.values_list("order_id", flat=True)) == [good.pk]
    assert Order.objects.get(pk=bad.pk).fulfilment_state == "unfulfilled"


def test_select_all_takes_the_filter_capped_at_200(staff_client, shop):
    template = make_order(payment_method="cod")
    add_orders(template, 205, start=10_000)
    make_order(payment_method="cheque")
    response = staff_client.post(
        reverse("dashboard:order_batch"),
        {"action": "packing_slips", "all_matching": "1", "filter_query": "payment=cod"},
    )
    job = BatchJob.objects.get()
    assert response.url == reverse("dashboard:batch_job", args=[job.token])
    assert len(job.order_numbers) == 200
    assert set(
        Order.objects.filter(number__in=job.order_numbers).values_list("payment_method", flat=True)
    ) == {"cod"}
    assert job.order_numbers[0] == 10_204  # newest first


def test_batch_print_invoices_in_a_task(staff_client, coffee):
    orders = [make_order([(coffee, 1)]) for _ in range(3)]
    for order in orders[:2]:
        issue_invoice(order)
    response = staff_client.post(
        reverse("dashboard:order_batch"), {"action": "invoices", "orders": [order.number for order in orders]}
    )
    job = BatchJob.objects.get()
    page = staff_client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page and "Le PDF est en préparation" in page
    assert render_batch_job(job.pk) == "done"
    page = staff_client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f"Commande {orders[2].number} : pas encore de facture" in page
    pdf = b"".join(
        staff_client.get(reverse("dashboard:batch_job_download", args=[job.token])).streaming_content
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert [
        str(order.number) in page.extract_text() for order, page in zip(orders, reader.pages, strict=False)
    ] == [True, True]


def test_export_orders_csv(staff_client, coffee, merchant):
    orders = [make_order([(coffee, 2)]) for _ in range(3)]
    _paid(orders[0])
    ship_order(
        orders[0], parcel=Parcel(carrier="canada_post", tracking_number="AB123456789CA"), actor=merchant
    )
    response = staff_client.get(reverse("dashboard:order_export"), {"decimal": "comma"})
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content[1:]), delimiter=";"))
    assert [int(row["Numéro"]) for row in rows] == [o.number for o in reversed(orders)]
    for row in rows:
        order = Order.objects.get(number=row["Numéro"])
        assert Decimal(row["Total"].replace(",", ".")) == order.total_amount
        assert row["Client"] == "Marie Tremblay"
        taxes = {t.code: t.amount for t in OrderTax.objects.filter(order=order)}
        assert Decimal(row["Taxe TPS"].replace(",", ".")) == taxes["GST"]
        assert Decimal(row["Taxe TVQ"].replace(",", ".")) == taxes["QST"]
    first = rows[-1]
    assert first["Expédition"] == "Expédiée"
    assert first["Suivi"] == "Postes Canada AB123456789CA"
    assert first["Payée le"]
    lines = staff_client.get(
        reverse("dashboard:order_export"), {"decimal": "point", "what": "lines", "fulfilment": "shipped"}
    )
    content = b"".join(lines.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(content[1:])))
    assert rows[1] == [
        str(orders[0].number),
        rows[1][1],
        "CAF-001",
        "Café équitable",
        "2",
        "7.50",
        "15.00",
        "oui",
    ]
    assert len(rows) == 2


# --- Constant query counts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"payment": "cheque"},
        {"fulfilment": "unfulfilled", "paid": "unpaid"},
        {"date_from": "2020-01-01", "date_to": "2100-01-01", "delivery": "1"},
    ],
)
def test_filtered_order_list(staff_client, shop, params):
    template = make_order()
    url = reverse("dashboard:order_list")
    add_orders(template, 3, start=10_000)
    small = count_queries(staff_client, url, **params)
    add_orders(template, 100, start=20_000)
    assert count_queries(staff_client, url, **params) == small


def test_order_page_with_many_shipments(staff_client, shop, merchant):
    products = [make_product(stock=100) for _ in range(12)]
    few, many = make_order([(products[0], 1)]), make_order([(product, 5) for product in products])
    ship_order(few, parcel=Parcel(carrier="fedex", tracking_number="1234"), actor=merchant)
    for _ in range(5):
        ship_order(
            many,
            parcel=Parcel(carrier="fedex", tracking_number="1234"),
            quantities={line.pk: 1 for line in many.lines.all()},
            actor=merchant,
        )
    assert count_queries(
        staff_client, reverse("dashboard:order_detail", args=[many.number])
    ) == count_queries(staff_client, reverse("dashboard:order_detail", args=[few.number]))


def test_batch_pages(staff_client, shop):
    template = make_order()
    add_orders(template, 60, start=10_000)

    def ship_page(count):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            staff_client.post(
                reverse("dashboard:order_batch"),
                {"action": "ship", "orders": list(range(10_000, 10_000 + count))},
            )
        return len(queries)

    assert ship_page(1) == ship_page(60)
    job = BatchJob.objects.create(kind="invoices", order_numbers=list(range(10_000, 10_060)))
    small = BatchJob.objects.create(kind="invoices", order_numbers=[10_000])
    assert count_queries(staff_client, reverse("dashboard:batch_job", args=[job.token])) == count_queries(
        staff_client, reverse("dashboard:batch_job", args=[small.token])
    )


def test_export_queries_do_not_grow_with_the_orders(staff_client, shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    template = make_order()

    def export_queries():
        with CaptureQueriesContext(connection) as queries:
            for what in ("orders", "lines"):
                b"".join(
                    staff_client.get(reverse("dashboard:order_export"), {"what": what}).streaming_content
                )
        return len(queries)

    add_orders(template, 2, start=10_000)
    small = export_queries()
    add_orders(template, 150, start=20_000)
    assert export_queries() == small


def test_packing_slip_queries_do_not_grow_with_the_lines(staff_client, shop, merchant):
    products = [make_product(stock=100) for _ in range(15)]
    few, many = make_order([(products[0], 1)]), make_order([(product, 2) for product in products])
    for order in (few, many):
        ship_order(order, parcel=Parcel(carrier="fedex", tracking_number="1234"), actor=merchant)
    for name, args in [("dashboard:packing_slip_pdf", []), ("dashboard:shipment_packing_slip_pdf", [1])]:
        assert count_queries(staff_client, reverse(name, args=[many.number, *args])) == count_queries(
            staff_client, reverse(name, args=[few.number, *args])
        )


def test_fulfilment_in_english(staff_client, coffee, merchant):
    order = make_order([(coffee, 2)])
    ship_order(order, parcel=Parcel(carrier="canada_post", tracking_number="AB123456789CA"), actor=merchant)
    page = staff_client.get(f"/en/gestion/commandes/{order.number}/").content.decode()
    assert "Parcel 1 shipped (Canada Post AB123456789CA), 2 item(s)" in page
    assert "https://www.canadapost-postescanada.ca/track-reperage/en#/details/AB123456789CA" in page
    assert "Carrier name (“Other”)" in page and 'id="ship-tracking"' not in page  # all shipped: no form
    listing = staff_client.get("/en/gestion/commandes/").content.decode()
    assert "Export (CSV)" in listing and "Shipped" in listing
    assert "«" not in page and "«" not in listing
