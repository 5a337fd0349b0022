from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accreditation import audit
from schools.register_import import RegisterFileError, import_register
from schools.selectors import our_schools


class Command(BaseCommand):
    help = (
        "Load England's register of schools from a GIAS “edubasealldata” CSV extract (cp1252). "
        "Upserts by URN: running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the GIAS CSV extract.")
        parser.add_argument("--encoding", default="cp1252", help="The file's encoding (GIAS uses cp1252).")
        parser.add_argument("--progress-every", type=int, default=5000, help="Report progress every N rows.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file.")
        width = 0

        def progress(done, total):
            nonlocal width
            width = width or len(f"{total:,}")
            self.stdout.write(f"  {done:>{width},} of {total:,} rows ({done * 100 // max(total, 1)}%)")

        self.stdout.write(f"Importing the schools register from {path.name}...")
        try:
            result = import_register(
                path.read_bytes(),
                name=path.name,
                encoding=options["encoding"],
                progress=progress,
                progress_every=max(1, options["progress_every"]),
            )
        except RegisterFileError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        for line, problem in result.bad_rows:
            self.stderr.write(
                f"Line {line}: {problem}. Skipped." if "twice" not in problem else f"Line {line}: {problem}."
            )
        ours = our_schools().filter(from_register=True)
        summary = (
            f"{result.rows:,} rows read: {result.created:,} schools added, {result.updated:,} updated, "
            f"{result.unchanged:,} unchanged, {len(result.bad_rows):,} with problems. "
            f"The register now holds {ours.count():,} schools in LA "
            f"{', '.join(map(str, settings.LOCAL_AUTHORITY_CODES))}."
        )
        audit.record(actor=None, action="register.imported", summary=f"{path.name}: {summary}")
        self.stdout.write(self.style.SUCCESS(summary) if not result.bad_rows else self.style.WARNING(summary))
