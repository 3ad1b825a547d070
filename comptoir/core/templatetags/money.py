from django import template

from comptoir.core.i18n import current_language
from comptoir.core.money import format_amount

register = template.Library()


@register.filter
def money(amount, language: str = ""):
    """Format a Decimal amount in CAD for the active (or given) language."""
    if amount is None or amount == "":
        return ""
    return format_amount(amount, language or current_language())


@register.filter
def percent(rate):
    """9.975 -> « 9,975 % » / « 9.975% » without trailing zeros."""
    text = f"{rate.normalize():f}" if hasattr(rate, "normalize") else str(rate)
    if current_language() == "fr":
        return text.replace(".", ",") + "\u00a0%"
    return text + "%"


@register.filter
def negated(amount):
    """-amount (a discount printed as what it takes off); "" stays ""."""
    if amount is None or amount == "":
        return ""
    return -amount
