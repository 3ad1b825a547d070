"""Periodic PayPal reconciliation as a task (the worker's sweep may enqueue it)."""

from django_tasks import task

from .reconciliation import reconcile_pending_checkouts


@task()
def reconcile_paypal_task() -> dict:
    return reconcile_pending_checkouts()
