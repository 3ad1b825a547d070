"""The delivery task. Idempotent: it does nothing for a row that is no longer pending or due."""

from django_tasks import task

from .delivery import deliver_notification


@task()
def deliver_notification_task(notification_id: int) -> str:
    return deliver_notification(notification_id)
