"""Run the scheduled jobs by hand, in this process: for an install with no broker or beat."""

import json

from django.core.management.base import BaseCommand, CommandError
from django_celery_beat.models import PeriodicTask

from accreditation.celery import app


class Command(BaseCommand):
    help = "Run every enabled periodic job now (or the named ones). With --list, only show them."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="Names of periodic jobs, as --list shows them.")
        parser.add_argument("--list", action="store_true", help="List the periodic jobs and their schedules.")

    def handle(self, *args, names, list, **options):
        jobs = PeriodicTask.objects.filter(enabled=True).exclude(task__startswith="celery.").order_by("name")
        if list:
            for job in jobs:
                self.stdout.write(f"{job.name}  [{job.task}]  {job.schedule}")
            return
        if names:
            jobs = jobs.filter(name__in=names)
            unknown = set(names) - set(jobs.values_list("name", flat=True))
            if unknown:
                raise CommandError(f"No enabled periodic job called: {', '.join(sorted(unknown))}. See --list.")
        app.loader.import_default_modules()  # the apps' tasks modules, as a worker would load them
        for job in jobs:
            task = app.tasks.get(job.task)
            if task is None:
                raise CommandError(f"Periodic job {job.name!r} names an unknown task {job.task!r}.")
            result = task.apply(args=json.loads(job.args or "[]"), kwargs=json.loads(job.kwargs or "{}"))
            outcome = "failed: " + repr(result.result) if result.failed() else f"done ({result.result})"
            self.stdout.write(f"{job.name}: {outcome}")
