"""Row locks, taken in one order everywhere so that two transactions never wait for each other.

The order (``LOCK_ORDER``): the row where the work starts when it is not an order (a cart at
checkout, a provider's payment attempt when the work starts from PayPal, a bank statement line
being matched), the promotions a checkout uses (their usage limits), then orders, invoices,
credit notes, payments, refunds, and stock rows last (products, then variants); rows of one
kind by ascending id. Services lock with ``lock``/``lock_one`` and never call
``select_for_update`` themselves.

``lock`` also checks the order at run time: in one transaction, asking for a row that sorts
before a row already locked (an order after its invoice, product 7 after product 9) raises
``LockOrderError``, a programming error that the test suite meets before production does.
Locking again a row already held is allowed (a service calling another one).

The order is written with model labels only: this module imports no domain app.
"""

from django.db import transaction
from django.db.models import QuerySet

LOCK_ORDER = (
    "checkout.cart",
    "paypal.paypalcheckout",
    "banking.bankstatementline",
    "promotions.promotion",
    "orders.order",
    "invoicing.invoice",
    "invoicing.creditnote",
    "payments.payment",
    "payments.refund",
    "catalog.product",
    "catalog.productvariant",
)


class LockOrderError(RuntimeError):
    """A service asked for row locks out of ``LOCK_ORDER``."""


def lock(queryset: QuerySet) -> list:
    """Lock the rows of ``queryset`` (ascending id) and return them; must run in a transaction.

    Only the rows of the queryset's own model are locked (``of=("self",)``), even when it
    ``select_related`` others: each kind of row is locked by its own call, in ``LOCK_ORDER``.
    """
    label = queryset.model._meta.label_lower
    if label not in LOCK_ORDER:
        raise LockOrderError(f"{label} has no place in LOCK_ORDER")
    rows = list(queryset.select_for_update(of=("self",)).order_by("pk"))
    _check_order(label, [row.pk for row in rows])
    return rows


def lock_one(queryset: QuerySet, pk):
    """Lock and return the row ``pk`` of ``queryset`` (raises ``Model.DoesNotExist``)."""
    rows = lock(queryset.filter(pk=pk))
    if not rows:
        raise queryset.model.DoesNotExist(f"{queryset.model._meta.label} {pk} does not exist")
    return rows[0]


# --- Run-time check --------------------------------------------------------------------------


def _check_order(label: str, pks: list) -> None:
    held = _held_locks()
    rank = LOCK_ORDER.index(label)
    new = [(rank, pk) for pk in pks if (rank, pk) not in held]
    if new and held and min(new) < max(held):
        last_rank, last_pk = max(held)
        raise LockOrderError(
            f"{label} {min(new)[1]} locked after {LOCK_ORDER[last_rank]} {last_pk}: see LOCK_ORDER"
        )
    held.update(new)


def _held_locks() -> set:
    """The (rank, pk) locked so far by the current service transaction.

    The set lives as long as the transaction: it is kept with a marker registered with
    ``on_commit``, which Django drops when the transaction commits or rolls back. The atomic
    blocks a test case wraps around a whole test are not the service's transaction: the set
    belongs to the outermost block the code itself opened.
    """
    connection = transaction.get_connection()
    blocks = connection.atomic_blocks
    index = next((i for i, b in enumerate(blocks) if not b._from_testcase), None)
    if index is None:  # autocommit: the lock would end with the statement
        raise LockOrderError("row locks are only taken inside a transaction")
    # A block object can be entered again (``atomic`` used as a decorator): a nested block is
    # told apart by its savepoint id, the outermost one by the marker.
    block = (blocks[index], connection.savepoint_ids[index - 1] if index else None)
    state = connection.__dict__.get("_comptoir_locks")
    pending = [entry[1] for entry in connection.run_on_commit]
    if state is None or state["block"] != block or state["marker"] not in pending:
        state = {"block": block, "held": set(), "marker": _Marker()}
        connection.__dict__["_comptoir_locks"] = state
        transaction.on_commit(state["marker"])
    return state["held"]


class _Marker:
    """Does nothing when run: its presence in the pending on-commit list marks a live set."""

    def __call__(self) -> None:
        pass
