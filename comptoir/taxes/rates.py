"""The Canadian sales tax rates a new shop starts with (effective-dated rows of TaxRate)."""

import datetime
from decimal import Decimal

START = datetime.date(2013, 4, 1)  # QST at 9.975 % since 2013-01-01; HST PEI since 2013-04-01

DEFAULT_RATES = [
    # province, code, rate (%), in force from, until, needs provincial registration, position
    ("QC", "GST", "5", START, None, False, 0),
    ("QC", "QST", "9.975", START, None, False, 1),
    ("ON", "HST", "13", START, None, False, 0),
    ("NS", "HST", "15", START, datetime.date(2025, 3, 31), False, 0),
    ("NS", "HST", "14", datetime.date(2025, 4, 1), None, False, 0),
    ("NB", "HST", "15", START, None, False, 0),
    ("NL", "HST", "15", START, None, False, 0),
    ("PE", "HST", "15", START, None, False, 0),
    ("BC", "GST", "5", START, None, False, 0),
    ("BC", "PST", "7", START, None, True, 1),
    ("MB", "GST", "5", START, None, False, 0),
    ("MB", "RST", "7", START, None, True, 1),
    ("SK", "GST", "5", START, None, False, 0),
    ("SK", "PST", "6", START, None, True, 1),
    ("AB", "GST", "5", START, None, False, 0),
    ("YT", "GST", "5", START, None, False, 0),
    ("NT", "GST", "5", START, None, False, 0),
    ("NU", "GST", "5", START, None, False, 0),
]


def seed_default_rates(tax_rate_model) -> None:
    """Create or update the default rates (used by the data migration and by tests)."""
    for province, code, rate, start, end, registration, position in DEFAULT_RATES:
        tax_rate_model.objects.update_or_create(
            province=province,
            code=code,
            effective_from=start,
            defaults={
                "rate": Decimal(rate),
                "effective_to": end,
                "requires_provincial_registration": registration,
                "position": position,
            },
        )
