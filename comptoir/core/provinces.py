"""Canadian provinces and territories, and postal-code validation."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


# First letter of a postal code for each province (Canada Post's forward sortation areas).
POSTAL_PREFIXES = {
    "NL": "A", "NS": "B", "PE": "C", "NB": "E", "QC": "GHJ", "ON": "KLMNP", "MB": "R",
    "SK": "S", "AB": "T", "BC": "V", "NT": "X", "NU": "X", "YT": "Y",
}
POSTAL_CODE_RE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$")


def normalize_postal_code(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    return f"{compact[:3]} {compact[3:]}" if len(compact) == 6 else compact


def validate_postal_code(value: str, province: str | None = None) -> str:
    """Return the normalized code (« H2X 1Y4 ») or raise a translated ValidationError."""
    code = normalize_postal_code(value)
    if not POSTAL_CODE_RE.match(code):
        raise ValidationError(
            _("Enter a valid Canadian postal code, for example H2X 1Y4."), code="postal_code"
        )
    if province and code[0] not in POSTAL_PREFIXES.get(province, code[0]):
        raise ValidationError(
            _("This postal code does not belong to the chosen province."),
            code="postal_code_province",
        )
    return code
