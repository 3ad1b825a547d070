"""Test builders: small functions that create realistic objects with sensible defaults."""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from comptoir.catalog.models import Category, Product, ProductVariant
from comptoir.merchant.models import ShopSettings
from comptoir.shipping.models import DeliveryMethod

_counter = itertools.count(1)


def make_shop(**overrides) -> ShopSettings:
    values = {
        "legal_name": "Les Délices du Comptoir inc.",
        "trade_name": "Délices du Comptoir",
        "address_line1": "1234, rue Saint-Denis",
        "city": "Montréal",
        "province": "QC",
        "postal_code": "H2X 3J8",
        "phone": "514 555-0142",
        "email": "bonjour@delices.test",
        "gst_number": "123456789 RT 0001",
        "qst_number": "1234567890 TQ 0001",
        "cheque_enabled": True,
        "cheque_instructions_fr": "Faites votre chèque à l'ordre des Délices du Comptoir inc.",
        "cheque_instructions_en": "Make your cheque payable to Les Délices du Comptoir inc.",
        "return_policy_fr": "Retours acceptés sous 30 jours.",
        "return_policy_en": "Returns accepted within 30 days.",
        "alert_email": "marchand@delices.test",
    }
    values.update(overrides)
    ShopSettings.objects.update_or_create(pk=1, defaults=values)
    return ShopSettings.load()


def make_category(**overrides) -> Category:
    n = next(_counter)
    values = {"name_fr": f"Catégorie {n}", "name_en": f"Category {n}", "slug": f"categorie-{n}"}
    values.update(overrides)
    return Category.objects.create(**values)


def make_product(category: Category | None = None, **overrides) -> Product:
    n = next(_counter)
    values = {
        "category": category or make_category(),
        "sku": f"SKU-{n:05d}",
        "slug": f"produit-{n}",
        "name_fr": f"Produit {n}",
        "name_en": f"Product {n}",
        "description_fr": "Une description.",
        "description_en": "A description.",
        "price_amount": Decimal("25.00"),
        "stock": 10,
    }
    values.update(overrides)
    return Product.objects.create(**values)


def make_variant_product(category: Category | None = None, *, options=None, variants=None,
                         **overrides) -> Product:
    """A product sold by variant. ``options``: [(name_fr, name_en, [(value_fr, value_en), …])];
    ``variants``: {(value_fr, …): (price, stock)} for the combinations to price and stock (the
    others keep the product's price and a stock of 0). Default: a coffee in « 250 g » and « 1 kg »."""
    from comptoir.catalog.variants import OptionSpec, generate_variants, refresh_product, save_options

    options = options or [("Format", "Size", [("250 g", "250 g"), ("1 kg", "1 kg")])]
    variants = variants or {("250 g",): ("12.95", 10), ("1 kg",): ("39.95", 10)}
    product = make_product(category, **{"stock": 0, **overrides})
    save_options(product, [OptionSpec(fr, en, values) for fr, en, values in options])
    generate_variants(product, actor=None)
    wanted = {frozenset(key): price_and_stock for key, price_and_stock in variants.items()}
    for variant in product.variants.prefetch_related("values"):
        key = frozenset(value.name_fr for value in variant.values.all())
        if key in wanted:
            price, stock = wanted[key]
            ProductVariant.objects.filter(pk=variant.pk).update(price_amount=Decimal(price), stock=stock)
    refresh_product(product)
    return product


def variant_of(product: Product, *values: str) -> ProductVariant:
    """The variant of ``product`` made of the values named (French names)."""
    for variant in product.variants.prefetch_related("values"):
        if {value.name_fr for value in variant.values.all()} == set(values):
            return variant
    raise ProductVariant.DoesNotExist(values)


def make_delivery_methods() -> dict[str, DeliveryMethod]:
    """The three default methods of PRODUCT.md, keyed by kind."""
    specs = [
        ("livraison-domicile", "shipped", "Livraison à domicile", "Home delivery", "12.00", "150.00",
         "3 à 5 jours ouvrables", "3 to 5 business days"),
        ("cueillette", "pickup", "Cueillette en magasin", "Store pickup", "0.00", None,
         "Prête en 24 heures", "Ready within 24 hours"),
        ("livraison-locale", "local", "Livraison locale", "Local delivery", "6.00", "75.00",
         "1 à 2 jours ouvrables", "1 to 2 business days"),
    ]
    methods = {}
    for position, (code, kind, fr, en, fee, free_from, delay_fr, delay_en) in enumerate(specs):
        methods[kind], _created = DeliveryMethod.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind, "name_fr": fr, "name_en": en, "fee_amount": Decimal(fee),
                "free_shipping_threshold_amount": Decimal(free_from) if free_from else None,
                "expected_delay_fr": delay_fr, "expected_delay_en": delay_en,
                "position": position, "is_active": True,
            },
        )
    return methods


def make_staff_user(username: str = "marchand", password: str = "motdepasse-solide-42", **extra):
    User = get_user_model()
    extra.setdefault("is_staff", True)
    return User.objects.create_user(username=username, password=password,
                                    email=f"{username}@delices.test", **extra)


def make_address(**overrides):
    from comptoir.customers.models import Address

    values = {
        "first_name": "Marie", "last_name": "Tremblay", "line1": "4567, avenue du Parc",
        "city": "Montréal", "province": "QC", "postal_code": "H2V 4E7", "phone": "514 555-0199",
    }
    values.update(overrides)
    return Address.objects.create(**values)


def make_order(products_and_quantities=None, *, delivery_kind="shipped", payment_method="cheque",
               email="marie.tremblay@example.test", language="fr", status="new", province="QC",
               stock_already_taken=False):
    """An order written directly with the ORM (fast; no stock movement, no message, no invoice).

    For tests of the back-office and invoicing that need orders without going through checkout.
    Prices, taxes and totals are computed like checkout does (goods + fees, taxes once).
    """
    from django.db import transaction
    from django.utils import timezone

    from comptoir.core.models import Sequence
    from comptoir.core.money import quantize
    from comptoir.customers.models import Customer
    from comptoir.customers.services import add_to_figures
    from comptoir.orders.models import Order, OrderLine, OrderTax
    from comptoir.orders.pricing import PricedLine, price_order

    shop = ShopSettings.load()
    methods = make_delivery_methods()
    method = methods[delivery_kind]
    if products_and_quantities is None:
        products_and_quantities = [(make_product(price_amount=Decimal("100.00")), 1)]
    address = make_address(province=province)
    customer, _created = Customer.objects.get_or_create(
        email=email, user=None,
        defaults={"first_name": address.first_name, "last_name": address.last_name,
                  "language": language},
    )
    with transaction.atomic():
        quote = price_order(
            [PricedLine(p.price_amount, q, tax_status=p.tax_status) for p, q in products_and_quantities],
            delivery_method=method, shop=shop, destination_province=province,
        )
        order = Order.objects.create(
            number=Sequence.next_value("order", start=1001), customer=customer, email=email,
            phone=address.phone, language=language, status=status,
            billing_address=address,
            shipping_address=None if method.is_pickup else _saved_copy(address),
            delivery_method=method, delivery_name_fr=method.name_fr, delivery_name_en=method.name_en,
            delivery_kind=method.kind, payment_method=payment_method,
            payment_instructions=shop.cheque_instructions(language) if payment_method == "cheque" else "",
            tax_province=quote.tax_province or "", subtotal_amount=quote.subtotal_amount,
            shipping_amount=quote.shipping_amount, insurance_amount=quote.insurance_amount,
            tax_total=quote.tax_total, total_amount=quote.total_amount, placed_at=timezone.now(),
        )
        for position, (product, quantity) in enumerate(products_and_quantities):
            OrderLine.objects.create(
                order=order, product=product, sku=product.sku, name_fr=product.name_fr,
                name_en=product.name_en, unit_price_amount=product.price_amount, quantity=quantity,
                tax_status=product.tax_status, line_total_amount=quantize(product.price_amount * quantity),
                position=position,
            )
        for position, line in enumerate(quote.taxes.lines):
            OrderTax.objects.create(order=order, code=line.code, rate=line.rate, amount=line.amount,
                                    position=position)
        if status != Order.Status.CANCELLED:  # the customer's figures, as checkout keeps them
            add_to_figures(Customer.objects.filter(pk=customer.pk), orders=1, spent=order.total_amount)
        add_to_figures(Customer.objects.filter(pk=customer.pk), placed_at=order.placed_at)
    return order


def _saved_copy(address):
    copy = address.copy()
    copy.save()
    return copy


def run_together(count: int, work) -> list:
    """Run ``work(index)`` in ``count`` threads released at the same instant (real concurrency
    for PostgreSQL row-lock tests). Returns each thread's result, or the exception it raised."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def split_outcomes(outcomes: list) -> tuple[list, list]:
    """(results, exceptions) of ``run_together``."""
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    return [outcome for outcome in outcomes if not isinstance(outcome, Exception)], errors


# Impacts that fail an accessibility check; "moderate" and "minor" ones are printed.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def check_accessibility(page, name: str, *, false_positives: tuple = ()) -> list[dict]:
    """Run axe-core (its default rules: WCAG 2.x A and AA, best practices) on the page as it is
    now, in a Playwright page. Fails on any "serious" or "critical" violation; prints the others.

    ``false_positives`` is a tuple of ``(rule id, CSS selector, why)``: that rule is ignored on
    the elements matching the selector only, never on the rest of the page. Returns the
    violations that are left (every impact), for the test to inspect.
    """
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, options={"resultTypes": ["violations"]})
    violations = []
    for violation in response.response["violations"]:
        ignored = [selector for rule, selector, _why in false_positives if rule == violation["id"]]
        nodes = [
            node for node in violation["nodes"]
            if not any(_matches(page, node["target"], selector) for selector in ignored)
        ]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    report = "\n".join(_describe_violation(violation) for violation in violations)
    if report:
        print(f"Accessibility of {name} ({page.url}):\n{report}")
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{name}: serious or critical accessibility violations\n{report}"
    return violations


def _matches(page, target: list, selector: str) -> bool:
    return page.evaluate(
        "([target, selector]) => !!document.querySelector(target)?.matches(selector)",
        [target[-1], selector],
    )


def _describe_violation(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:10]:
        summary = " ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:])
        lines.append(f"    {' '.join(node['target'])}: {summary}")
        lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def focus_without_ring(page, *, presses: int = 80) -> list[str]:
    """Go through the page with the Tab key from its top; returns the elements that took the
    keyboard focus without showing a focus ring (an outline or a box shadow)."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    missing, seen = [], set()
    for _press in range(presses):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => {
            const element = document.activeElement;
            if (!element || element === document.body) return null;
            const style = getComputedStyle(element);
            const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                || style.boxShadow !== "none";
            return {html: element.outerHTML.slice(0, 160), ring: ring};
        }""")
        if state is None or state["html"] in seen:
            break
        seen.add(state["html"])
        if not state["ring"]:
            missing.append(state["html"])
    return missing


def give_two_factor(user):
    """A confirmed authenticator-app device for ``user`` (as after enrolment)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device) -> str:
    """The code the authenticator app shows now for ``device``; when this time step's code was
    used already (django-otp refuses a code twice), the next step's, which it still accepts."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def sign_in_verified(client, user):
    """Log ``client`` in as ``user`` with the two-factor step done (a confirmed device is
    created if the account has none), like a staff member who gave their code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or give_two_factor(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def enter_two_factor_code(page, username: str) -> None:
    """In a browser, after the password: when ``username`` has an authenticator app, type the
    code it shows on the « Double authentification » page (French labels)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        return
    page.get_by_label("Code de vérification").fill(totp_code(device))
    page.get_by_role("button", name="Vérifier").click()
