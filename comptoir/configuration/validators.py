"""Validation of phone numbers (North-American numbering plan) for the settings forms."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Area code and exchange never start with 0 or 1 in the North-American numbering plan.
NANP_RE = re.compile(r"^1?([2-9]\d{2})([2-9]\d{2})(\d{4})$")


def _parts(value: str) -> tuple[str, str, str]:
    text = (value or "").strip()
    if re.search(r"[^\d\s().+-]", text):
        raise ValidationError(
            _("Enter a valid phone number, for example 514 555-0142."), code="phone"
        )
    match = NANP_RE.match(re.sub(r"\D", "", text))
    if not match:
        raise ValidationError(
            _("Enter a valid phone number, for example 514 555-0142."), code="phone"
        )
    return match.groups()


def normalize_phone(value: str) -> str:
    """« (514) 555 0142 » → « 514 555-0142 » (how it prints on invoices)."""
    area, exchange, line = _parts(value)
    return f"{area} {exchange}-{line}"


def normalize_mobile_e164(value: str) -> str:
    """« 514-555-0142 » → « +15145550142 » (what SMS providers expect)."""
    area, exchange, line = _parts(value)
    return f"+1{area}{exchange}{line}"
