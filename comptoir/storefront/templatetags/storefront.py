from django import template

from comptoir.taxes.services import TAX_LABELS

register = template.Library()


@register.filter
def tax_label(code: str) -> str:
    """« TPS » / « GST » for a tax code (order and invoice taxes store only the code)."""
    return str(TAX_LABELS.get(code, code))
