"""PayPal's tasks: a stored webhook's processing, and the periodic reconciliation (the worker's
sweep may enqueue it)."""

from django_tasks import task

from .reconciliation import reconcile_pending_checkouts
from .refunds import retry_pending_refunds
from .webhooks import process_stored_event


@task()
def process_webhook_event_task(event_pk: int) -> str:
    """Process a stored webhook event; it enqueues itself again after a failure."""
    return process_stored_event(event_pk)


@task()
def reconcile_paypal_task() -> dict:
    refunds = retry_pending_refunds()
    return {**reconcile_pending_checkouts(), **{f"refund {k}": v for k, v in refunds.items()}}
