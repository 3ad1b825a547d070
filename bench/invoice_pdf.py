"""Invoice PDF benchmark: the warm render time of an invoice, a credit note and a 3-page invoice.

    .venv/bin/python bench/invoice_pdf.py [--repeat 30] [--save DIR] [--profile]

Runs on its own SQLite database in a temporary folder, removed at the end (``DATABASE_URL`` is
ignored): loads the demo shop (business information and its logo, catalogue), then builds with
the test builders a typical Québec invoice (3 lines, home delivery, GST + QST), its credit note
on a twin order and an invoice long enough for 3 pages. Renders each once (the very first
render also loads WeasyPrint and the fonts), then ``--repeat`` times warm, and prints p50, p95
and min of the elapsed time and of the CPU time of one render. Prints the figures; asserts
nothing about time. ``--save DIR`` writes the three PDFs; ``--profile`` prints where the time
of the typical invoice goes (cProfile, cumulative).
"""

import argparse
import atexit
import cProfile
import io
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

LONG_INVOICE_LINES = 36  # 3 pages on letter paper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="warm renders of each document")
    parser.add_argument("--save", type=Path, help="folder where the three PDFs are written")
    parser.add_argument("--profile", action="store_true", help="profile the typical invoice")
    options = parser.parse_args()

    prepare_environment()
    print(f"Machine: {common.machine_description()}, {common.load_average()} at the start")
    documents = build_documents()
    for label, render in documents:
        cold, warm, pdf = measure(render, options.repeat)
        pages = page_count(pdf)
        print(f"\n{label} ({pages} page{'s' if pages > 1 else ''}, {len(pdf) / 1024:.0f} KB)")
        print(f"  first render: {cold * 1000:.0f} ms")
        print(f"  warm, elapsed: {summary([elapsed for elapsed, _cpu in warm])}")
        print(f"  warm, CPU:     {summary([cpu for _elapsed, cpu in warm])}")
        if options.save:
            options.save.mkdir(parents=True, exist_ok=True)
            (options.save / f"{label.split(',')[0].replace(' ', '-')}.pdf").write_bytes(pdf)
    if options.profile:
        profile(documents[0][1])


def prepare_environment() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="comptoir-bench-pdf-"))
    atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ.update({
        "COMPTOIR_VAR_DIR": str(var_dir), "DEBUG": "false", "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "comptoir.settings", "TASKS_BACKEND": "database",
    })
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # DEBUG off needs a key of its own
    os.environ.pop("EMAIL_URL", None)
    sys.path.insert(0, str(common.ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def build_documents() -> list:
    """The demo shop and three documents: [(label, render function)]."""
    from comptoir.catalog.models import Product
    from comptoir.core.testing import make_order
    from comptoir.invoicing.pdf import render_credit_note_pdf, render_invoice_pdf
    from comptoir.invoicing.services import issue_credit_note, issue_invoice
    from comptoir.merchant.demo.loader import load_demo_data

    load_demo_data(with_orders=False)
    products = {product.sku: product for product in Product.objects.all()}
    typical = [(products["CAF-001"], 2), (products["ERA-001"], 1), (products["THE-002"], 3)]
    invoice = issue_invoice(make_order(typical))
    credit_note = issue_credit_note(issue_invoice(make_order(typical)), reason="Commande annulée")
    catalogue = list(products.values())
    many = [(catalogue[index % len(catalogue)], 1 + index % 4) for index in range(LONG_INVOICE_LINES)]
    long_invoice = issue_invoice(make_order(many))
    return [
        ("invoice, 3 lines, GST + QST, logo", lambda: render_invoice_pdf(invoice)),
        ("credit note, 3 lines", lambda: render_credit_note_pdf(credit_note)),
        (f"long invoice, {LONG_INVOICE_LINES} lines", lambda: render_invoice_pdf(long_invoice)),
    ]


def measure(render, repeat: int) -> tuple[float, list[tuple[float, float]], bytes]:
    started = time.perf_counter()
    pdf = render()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render()
        warm.append((time.perf_counter() - wall, time.process_time() - cpu))
    return cold, warm, pdf


def summary(durations: list[float]) -> str:
    return (f"p50 {common.percentile(durations, 0.5) * 1000:.1f} ms, "
            f"p95 {common.percentile(durations, 0.95) * 1000:.1f} ms, "
            f"min {min(durations) * 1000:.1f} ms (n={len(durations)})")


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def profile(render) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        render()
    profiler.disable()
    print("\nWhere the time of 10 warm renders of the typical invoice goes (cumulative):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
    print(f"\n({common.load_average()} at the end)")
