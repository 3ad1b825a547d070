"""Money helpers. Every amount is a Decimal in CAD with two decimals; rounding happens here only."""

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
