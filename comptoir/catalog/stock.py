"""Stock rows: a product sold without variants keeps its stock on its own row, a product sold by
variant on each ``ProductVariant`` row. A stock key is ``(product_id, variant_id)``, with
``variant_id`` ``None`` for the product's own row.

Locks go through ``core.locks``: products first, then variants, each kind by ascending id.
"""

from django.db.models import F

from comptoir.core.locks import lock

from .models import Product, ProductVariant, StockMovement

StockKey = tuple[int, int | None]

# The storefront says « Only N left » up to this many (``storefront/includes/stock_state.html``
# and the product card), « In stock » above.
LOW_STOCK = 5


def shown_stock(stock: int) -> int | None:
    """What the storefront's pages show of a stock: the number when it is ``LOW_STOCK`` or less
    (0 when none is left), ``None`` above (« In stock », and the quantity field's usual maximum).
    A change of stock that leaves this the same changes no page."""
    return max(stock, 0) if stock <= LOW_STOCK else None


def stock_key(line) -> StockKey:
    """The stock key of anything with ``product_id`` and ``variant_id`` (cart, order lines)."""
    return (line.product_id, line.variant_id)


def lock_stock_rows(keys) -> dict:
    """Lock the stock rows of ``keys`` (products, then variants, ascending ids) and return them
    by key; a key whose row no longer exists is left out."""
    keys = set(keys)
    product_ids = sorted(product_id for product_id, variant_id in keys if variant_id is None)
    variant_ids = sorted(variant_id for _product_id, variant_id in keys if variant_id is not None)
    rows = {}
    if product_ids:
        rows.update({(row.pk, None): row for row in lock(Product.objects.filter(pk__in=product_ids))})
    if variant_ids:
        rows.update({(row.product_id, row.pk): row for row in lock(
            ProductVariant.objects.filter(pk__in=variant_ids).select_related("product"))})
    return rows


def change_stock(changes: dict, *, reason: str, actor, order_number=None, note: str = "") -> None:
    """Add each change (negative: taken out) to the stock of its key, with a stock movement.

    The rows must be locked by the caller (``lock_stock_rows``); a stock that would go below
    zero is refused by the database's CHECK constraint."""
    changes = {key: change for key, change in changes.items() if change}
    for (product_id, variant_id), change in sorted(changes.items(), key=_order):
        if variant_id is None:
            Product.objects.filter(pk=product_id).update(stock=F("stock") + change)
        else:
            ProductVariant.objects.filter(pk=variant_id).update(stock=F("stock") + change)
    StockMovement.objects.bulk_create(
        StockMovement(product_id=product_id, variant_id=variant_id, change=change, reason=reason,
                      note=note, order_number=order_number, actor=actor)
        for (product_id, variant_id), change in sorted(changes.items(), key=_order)
    )


def _order(item):
    (product_id, variant_id), _change = item
    return (variant_id is not None, variant_id or product_id)
