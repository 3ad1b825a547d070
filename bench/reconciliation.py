"""Bank reconciliation benchmark: import and match a 2,000-line statement on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_reconciliation \
        python bench/reconciliation.py

Uses its own PostgreSQL database (created again at each run unless ``--keep``): loads the demo
shop and ``--orders`` orders in bulk (``bench/seed.py``: about a third of them with an unpaid
invoice), then writes a CSV statement of ``--lines`` credits: a quarter paying unpaid invoices
with their payment reference, a tenth with a typo in the reference but the exact balance and
the customer's name, a tenth with the exact balance and the name only, the rest unrelated
amounts. Prints the time (wall clock, and the CPU time of this Python process, which depends less
on what else runs) and the number of queries of: reading + storing the statement,
matching every line, the « Rapprochement bancaire » page (100 lines), importing the same file
again (nothing new), and « Confirmer toutes les correspondances sûres » (one transaction per
payment). Asserts nothing about time.
"""

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="reuse the database of a previous run")
    options = parser.parse_args()

    common.demo_shop_database("comptoir_bench_reconciliation", keep=options.keep)
    from comptoir.banking.models import BankStatementLine
    from comptoir.orders.models import Order

    if Order.objects.count() < options.orders:
        import seed

        started = time.perf_counter()
        seed.seed_orders(options.orders - Order.objects.count())
        print(f"Seeded {Order.objects.count()} orders in {time.perf_counter() - started:.1f} s")
    BankStatementLine.objects.all().delete()
    data, expected = statement(options.lines)
    print(f"Statement: {options.lines} credits ({expected})")
    measure(data)
    print(f"Load average at the end: {common.load_average()}")


def statement(count: int) -> tuple[bytes, str]:
    """A CSV statement of ``count`` credits (see the module's docstring)."""
    from comptoir.invoicing.models import Invoice
    from comptoir.orders.references import ALPHABET

    generator = random.Random(11)
    unpaid = list(Invoice.objects.filter(status="unpaid", current_for__isnull=False)
                  .select_related("current_for").order_by("?")[:count])
    # One invoice per balance among those paid by name or amount, so that a match is unique.
    by_balance = {}
    for invoice in unpaid:
        by_balance.setdefault(invoice.balance_amount, invoice)
    unique = list(by_balance.values())
    referenced = unpaid[: count // 4]
    rest = [invoice for invoice in unique if invoice not in referenced]
    typos, named = rest[: count // 10], rest[count // 10: count // 5]
    rows = []
    for invoice in referenced:
        rows.append((f"Virement Interac {invoice.customer_name.upper()}", invoice.balance_amount,
                     invoice.current_for.payment_reference))
    for invoice in typos:
        reference = invoice.current_for.payment_reference
        wrong = next(char for char in ALPHABET if char != reference[5])
        rows.append((f"Virement Interac {invoice.customer_name.upper()}", invoice.balance_amount,
                     reference[:5] + wrong + reference[6:]))
    for invoice in named:
        rows.append((f"Virement Interac {invoice.customer_name.upper()}", invoice.balance_amount, ""))
    while len(rows) < count:
        amount = Decimal(generator.randint(100_000, 9_999_999)) / 100
        rows.append((f"Dépôt divers {len(rows)}", amount, ""))
    generator.shuffle(rows)
    lines = ["Date;Description;Montant;Référence"]
    for index, (description, amount, reference) in enumerate(rows):
        amount_text = str(amount).replace(".", ",")
        lines.append(f"2026-11-{1 + index % 28:02d};{description};{amount_text};{reference}")
    summary = (f"{len(referenced)} with a reference, {len(typos)} with a typo, {len(named)} by name, "
               f"{count - len(referenced) - len(typos) - len(named)} unrelated")
    return "\n".join(lines).encode(), summary


def timed(label: str, work):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  {label:<48} {elapsed * 1000:7.0f} ms ({cpu * 1000:6.0f} ms CPU of Python)"
          f"  {len(queries):5d} queries")
    return result


def measure(data: bytes) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from comptoir.banking.matching import propose
    from comptoir.banking.models import BankStatementLine, CsvMapping
    from comptoir.banking.services import confirm_sure_matches, import_statement

    # A staff member who is not the owner: no two-factor step before the page.
    staff, _created = get_user_model().objects.get_or_create(username="bench-staff",
                                                             defaults={"is_staff": True})
    mapping, _created = CsvMapping.objects.get_or_create(name="Bench", defaults={
        "date_column": "Date", "description_column": "Description", "amount_column": "Montant",
        "reference_column": "Référence", "delimiter": ";", "decimal_comma": True})

    def import_and_match():
        import_statement("csv", data, actor=staff, mapping=mapping)
        return propose(list(BankStatementLine.objects.filter(status="open")))

    statement = timed("import (read + store)", lambda: import_statement("csv", data, actor=staff,
                                                                         mapping=mapping))
    print(f"    {statement.new_count} new lines")
    lines = list(BankStatementLine.objects.filter(status="open"))
    proposals = timed("match every line (propose)", lambda: propose(lines))
    counts = {}
    for proposal in proposals.values():
        key = proposal.confidence if proposal else "unmatched"
        counts[key] = counts.get(key, 0) + 1
    print(f"    {counts}")
    BankStatementLine.objects.all().delete()
    timed("import + match, from the file to the proposals", import_and_match)
    timed("the same file again (all lines known)", lambda: import_statement("csv", data, actor=staff,
                                                                             mapping=mapping))
    client = Client()
    client.force_login(staff)
    client.get("/fr/gestion/rapprochement/")  # warm
    response = timed("« Rapprochement bancaire » page (100 lines)",
                     lambda: client.get("/fr/gestion/rapprochement/"))
    assert response.status_code == 200, response.status_code
    payments, errors = timed("confirm all sure matches", lambda: confirm_sure_matches(
        list(BankStatementLine.objects.filter(status="open").order_by("posted_on", "id")), actor=staff))
    print(f"    {len(payments)} payments recorded, {len(errors)} refused")


if __name__ == "__main__":
    main()
