"""Propose and save the validating group's six meetings of an academic year (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from validation import services
from validation.term_dates import AcademicYearError


class Command(BaseCommand):
    help = (
        "Schedule the six validating group meetings of an academic year, one per half term, e.g. "
        "`schedule_meetings 2026-27`. Meetings already scheduled are kept; running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("academic_year", help='The academic year, like "2026-27".')
        parser.add_argument("--dry-run", action="store_true", help="Show the proposal without saving anything.")

    def handle(self, *args, academic_year, dry_run, **options):
        try:
            proposals = services.meetings_propose(academic_year=academic_year)
        except AcademicYearError as error:
            raise CommandError(str(error)) from None
        for proposal in proposals:
            meeting = proposal.meeting
            state = "already scheduled" if proposal.exists else ("proposed" if dry_run else "new")
            self.stdout.write(
                f"  {proposal.half_term.label:<9} {meeting.date:%a %d %b %Y} {meeting.starts_at:%H:%M}"
                f"  cut-off {meeting.submission_cutoff:%a %d %b %Y}  capacity {meeting.capacity}  ({state})"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing saved.")
            return
        created = services.meetings_schedule(academic_year=academic_year, by=None)
        year = proposals[0].meeting.academic_year
        if created:
            self.stdout.write(self.style.SUCCESS(f"Scheduled {len(created)} meetings for {year}."))
        else:
            self.stdout.write(f"All six meetings for {year} were already scheduled. Nothing added.")
