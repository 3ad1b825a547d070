"""Periodic PayPal reconciliation as a task (the worker's sweep may enqueue it)."""

from django_tasks import task

from .reconciliation import reconcile_pending_checkouts
from .refunds import retry_pending_refunds


@task()
def reconcile_paypal_task() -> dict:
    refunds = retry_pending_refunds()
    return {**reconcile_pending_checkouts(), **{f"refund {k}": v for k, v in refunds.items()}}
