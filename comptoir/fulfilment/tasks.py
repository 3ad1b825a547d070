"""The background rendering of a batch PDF (run by ``manage.py run_worker``)."""

from django_tasks import task

from .batch import render_batch_job


@task()
def render_batch_job_task(job_id: int) -> str:
    return render_batch_job(job_id)
