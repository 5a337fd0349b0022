"""Show or apply the retention schedule from the command line (for cron on installs without beat,
or to check what tonight's sweep will do)."""

from django.core.management.base import BaseCommand

from insight.privacy import schedule


class Command(BaseCommand):
    help = "List what the retention schedule would remove now, by kind and count; --apply removes it."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Apply the schedule now (same as the nightly job).")

    def handle(self, *args, apply=False, **options):
        for row in schedule.preview():
            count = "kept" if row["count"] is None else row["count"]
            self.stdout.write(f"{row['kind'].name}: {count} due ({row['period']})")
        if apply:
            run = schedule.sweep(trigger="command")
            self.stdout.write(f"{run.get_status_display()}: {sum(run.counts.values())} removed {run.counts}")
