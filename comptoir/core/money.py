"""Money helpers. Every amount is a Decimal in CAD with two decimals; rounding happens here only."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from comptoir.core.i18n import current_language

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CURRENCY = "CAD"


def to_decimal(value) -> Decimal:
    """Convert an int, str or Decimal to Decimal (never from float: floats are not money)."""
    if isinstance(value, float):
        raise TypeError("Money must not be built from a float")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"Not an amount: {value!r}") from error


def quantize(amount) -> Decimal:
    """Round to the cent, half a cent up (the rule of the CRA and Revenu Québec)."""
    return to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(amount: Decimal, weights) -> list[Decimal]:
    """Split ``amount`` (to the cent) in proportion of ``weights`` (not negative), largest
    remainder: the parts are whole cents and add up to ``amount`` exactly (a negative amount
    gives negative parts). All-zero weights share it equally."""
    weights = [to_decimal(weight) for weight in weights]
    if not weights:
        return []
    if amount < 0:
        return [-part for part in allocate(-amount, weights)]
    total = sum(weights, Decimal(0))
    if total <= 0:
        weights, total = [Decimal(1)] * len(weights), Decimal(len(weights))
    cents = int(quantize(amount) / CENT)
    exact = [Decimal(cents) * weight / total for weight in weights]
    parts = [int(value) for value in exact]  # toward zero: amount and weights are not negative
    left = cents - sum(parts)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in order[:left]:
        parts[index] += 1
    return [quantize(Decimal(part) * CENT) for part in parts]


def format_amount(amount, language: str | None = None) -> str:
    """« 1 234,56 $ » in French, « $1,234.56 » in English; by default in the active language."""
    language = language or current_language()
    amount = quantize(amount)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if language.startswith("en"):
        return f"{sign}${','.join(groups)}.{cents}"
    nbsp = "\u00a0"
    return sign + nbsp.join(groups) + "," + cents + nbsp + "$"


class AmountError(ValueError):
    """Text that is not an amount; ``code`` says why: "invalid" or "ambiguous"."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


# Spaces people and spreadsheets put between thousands: plain, no-break, narrow no-break, thin.
_GROUP_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
_DIGITS = re.compile(r"\d+")


def parse_amount(text: str) -> Decimal:
    """Read an amount typed the French way or the English way: « 16,95 », « 16.95 »,
    « 1 234,50 » (spaces, no-break spaces), « 1,234.50 », « 1.234,50 », an optional « $ ».

    Refused (``AmountError``): anything else, and « 1,234 » or « 1.234 », which mean 1 234 to an
    English reader and 1,234 to a French one. The result is not rounded: more than two decimals
    are left for the caller to refuse.
    """
    value = (text or "").translate(_GROUP_SPACES).strip()
    value = value.removeprefix("$").removesuffix("$").strip()
    sign = ""
    if value[:1] in "+-" and value:
        sign, value = ("-" if value[0] == "-" else ""), value[1:].strip()
    if not value or not re.fullmatch(r"[\d ,.]+", value) or not value[0].isdigit():
        raise AmountError("not an amount", code="invalid")
    whole, decimals = _split_decimals(value)
    if not re.fullmatch(r"\d+", whole) or (decimals and not re.fullmatch(r"\d{1,}", decimals)):
        raise AmountError("not an amount", code="invalid")
    return Decimal(f"{sign}{whole}.{decimals or '0'}")


def _split_decimals(value: str) -> tuple[str, str]:
    """(whole digits, decimal digits) of a value made of digits, spaces, commas and points."""
    separators = [char for char in value if char in ",."]
    if " " in value:
        # Spaces group thousands; a comma or a point after them starts the cents.
        match = re.fullmatch(r"(\d{1,3}(?: \d{3})+|\d+)(?:[.,](\d+))?", value)
        if match is None:
            raise AmountError("misplaced space", code="invalid")
        return match.group(1).replace(" ", ""), match.group(2) or ""
    if not separators:
        return value, ""
    decimal_mark = separators[-1]
    group_mark = "," if decimal_mark == "." else "."
    if len(set(separators)) == 1 and len(separators) > 1:
        # « 1,234,567 »: only thousands separators.
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", value) is None:
            raise AmountError("misplaced separator", code="invalid")
        return value.replace(decimal_mark, ""), ""
    whole, _mark, decimals = value.rpartition(decimal_mark)
    if group_mark in whole:
        if re.fullmatch(rf"\d{{1,3}}(?:\{group_mark}\d{{3}})+", whole) is None:
            raise AmountError("misplaced separator", code="invalid")
        whole = whole.replace(group_mark, "")
    elif len(decimals) == 3:
        # « 1,234 » alone: a thousands separator or three decimals, depending on the reader.
        raise AmountError("ambiguous", code="ambiguous")
    return whole, decimals
