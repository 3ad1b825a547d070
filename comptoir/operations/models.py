from django.db import models


class PeriodicJob(models.Model):
    """The state of one periodic job of ``operations.periodic``, shared by every worker.

    ``period_start`` is the scheduled moment of the period last claimed: a worker runs the job
    only after moving it forward (or taking over a failed or abandoned run of the same period) in
    one conditional UPDATE, so a period is run by one worker only."""

    class Status(models.TextChoices):
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    name = models.CharField(max_length=60, primary_key=True)
    period_start = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DONE)
    worker_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
