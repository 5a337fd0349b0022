"""Time the portfolio PDF for a 200-item and a 1,000-item portfolio (issue 20).

    .venv/bin/python benchmarks/pdf_bench.py                 # throwaway SQLite database
    .venv/bin/python benchmarks/pdf_bench.py --items 200 --repeat 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pdf_bench .venv/bin/python benchmarks/pdf_bench.py

Builds one school with an application of 8 criteria and N evidence items (spread evenly, each
with a title, a two-sentence description, an impact statement, a date and a web address or a
file name), in a database made for the run: a temporary SQLite file by default, or the
PostgreSQL database named by DATABASE_URL, which must not exist yet (it is created, migrated
and dropped at the end). Then it times `portfolios.exports.portfolio_pdf` as the portal calls it
(in one pass up to PORTFOLIO_PDF_INLINE_MAX_ITEMS links, in parts with progress above, as the
background task does) and, for comparison on the same machine at the same moment, the template
as it was before issue 20's print CSS work (`benchmarks/pdf_templates/portfolio_pdf_before.html`)
rendered as render_pdf did then. Each is rendered once untimed (a web or worker process is
long-lived), then --repeat times: the median wall-clock and CPU seconds are printed, one line per
size (PDF_BENCH_VERBOSE=1 prints every run). Never fails on timing.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DESCRIPTIONS = [
    "Minutes of the anti-bullying action group, where pupils, staff and a governor reviewed the "
    "half-term's incident log and agreed the next steps.",
    "Slides and lesson plans from the assembly series in anti-bullying week, with the pupils' "
    "pledges collected afterwards.",
    "The peer mentors' training record and the rota for break and lunchtime, as shared with parents.",
]
ACTIVITIES = ["assembly", "survey", "training", "minutes"]
IMPACTS = [
    "Reported incidents in the playground fell by a third over the term; pupils say they know who to go to.",
    "Parents' survey: 86% agree the school deals well with bullying, up from 71% the year before.",
    "Every class now has two trained mentors; staff log fewer repeat incidents.",
]


def _setup(database_url: str | None):
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accreditation.settings")
    temp = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    os.environ["PRIVATE_MEDIA_ROOT"] = str(temp / "media")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{temp / 'bench.sqlite3'}"
    os.environ.pop("CELERY_BROKER_URL", None)
    if database_url:
        _create_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return temp


def _admin_connection(database_url):
    import psycopg

    base, name = database_url.rsplit("/", 1)
    return psycopg.connect(f"{base}/postgres", autocommit=True), name


def _create_database(database_url):
    connection, name = _admin_connection(database_url)
    with connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            sys.exit(f"The database {name} exists: give a new name (it is dropped at the end).")
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_database(database_url):
    from django.db import connections

    connections.close_all()
    connection, name = _admin_connection(database_url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def build_portfolio(items: int, label: str):
    """A school, its lead, a draft application and `items` evidence items spread over the 8 criteria."""
    from django.utils import timezone

    from accreditation.models import User
    from portfolios.dates import stale_from
    from portfolios.models import Application, CriteriaSet, CriterionResponse, EvidenceItem
    from schools.models import School

    today = timezone.localdate()
    school = School.objects.create(
        urn=900000 + items,
        name=f"{label} Primary School",
        la_code=919,
        la_name="Hertfordshire",
        phase="Primary",
        status="Open",
        town="Hertford",
        postcode="SG13 8DQ",
    )
    lead = User.objects.create_user(
        email=f"lead-{items}@bench.example.org", password=None, first_name="Sam", last_name="Lead"
    )
    criteria_set = CriteriaSet.objects.get(is_current=True)
    criteria = list(criteria_set.criteria.order_by("number"))
    application = Application.objects.create(school=school, criteria_set=criteria_set, created_by=lead)
    evidence = []
    for n in range(items):
        produced = today - timedelta(days=(n * 5) % 1000)
        is_file = n % 4 == 0
        evidence.append(
            EvidenceItem(
                school=school,
                kind=EvidenceItem.Kind.FILE if is_file else EvidenceItem.Kind.LINK,
                title=f"Evidence {n + 1}: anti-bullying week {2020 + n % 6}, {ACTIVITIES[n % 4]}",
                description=DESCRIPTIONS[n % 3],
                impact=IMPACTS[n % 3],
                produced_on=produced,
                stale_from=stale_from(produced),
                url="" if is_file else f"https://www.example.sch.uk/anti-bullying/{n + 1}",
                original_name=f"evidence-{n + 1}.pdf" if is_file else "",
                size=48213 if is_file else 0,
                file=f"bench/evidence-{n + 1}.pdf" if is_file else "",
                uploaded_by=lead,
            )
        )
    evidence = EvidenceItem.objects.bulk_create(evidence, batch_size=500)
    Link = CriterionResponse.evidence.through
    links = []
    for criterion in criteria:
        response = CriterionResponse.objects.create(
            application=application,
            criterion=criterion,
            self_evaluation=(
                f"How we meet criterion {criterion.number}: our policy was rewritten with pupils and parents "
                "last year and is reviewed each summer by the governors.\n\nStaff training, pupil voice and "
                "the incident log tell us what works; the evidence below shows it."
            ),
        )
        links += [
            Link(criterionresponse_id=response.pk, evidenceitem_id=item.pk)
            for item in evidence[criterion.number - 1 :: 8]
        ]
    Link.objects.bulk_create(links, batch_size=1000)
    return application


def render_before(application) -> bytes:
    """The template as it was before issue 20's print CSS work, rendered as render_pdf did then."""
    from django.conf import settings
    from django.template import engines
    from django.utils import timezone
    from weasyprint import HTML

    from accreditation import pdf
    from portfolios import selectors

    template = engines["django"].from_string(
        (Path(__file__).parent / "pdf_templates/portfolio_pdf_before.html").read_text()
    )
    html = template.render(
        {
            "SERVICE_NAME": settings.SERVICE_NAME,
            "COUNCIL_NAME": settings.COUNCIL_NAME,
            "application": application,
            "school": application.school,
            "responses": selectors.responses_for_application(application),
            "generated_at": timezone.now(),
        }
    )
    base = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=pdf._safe_fetcher()).write_pdf()


def _median(function, repeat):
    """Median wall-clock and CPU seconds of `repeat` calls (CPU time says more on a busy machine)."""
    wall, cpu, data = [], [], None
    function()  # warm up, as a long-running web or worker process is (fonts loaded, cffi types parsed)
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        data = function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    if os.environ.get("PDF_BENCH_VERBOSE"):
        print("   ", [round(t, 2) for t in wall], file=sys.stderr)
    return statistics.median(wall), statistics.median(cpu), data


def _pages(data: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(__import__("io").BytesIO(data)).pages)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", default="200,1000", help="comma-separated portfolio sizes (default 200,1000)")
    parser.add_argument("--repeat", type=int, default=3, help="renders per size and variant (median taken)")
    parser.add_argument("--skip-before", action="store_true", help="time only today's portfolio_pdf")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL") if os.environ.get("DATABASE_URL", "").startswith("postgres") else None
    _setup(database_url)
    from portfolios import exports

    try:
        load = os.getloadavg()[0]
        print(f"portfolio PDF, median of {args.repeat}, load average {load:.2f} on {os.cpu_count()} cores")
        for size in [int(s) for s in args.items.split(",")]:
            application = build_portfolio(size, f"Bench {size}")
            # Above the inline limit the PDF is made in the background, in parts with progress.
            background = exports.pdf_made_in_background(size)
            progress = (lambda **_: None) if background else None
            after, after_cpu, data = _median(
                lambda a=application, p=progress: exports.portfolio_pdf(a, on_progress=p), args.repeat
            )
            how = "in the background, in parts" if background else "at once"
            line = f"{size:>5} items ({how}): now {after:5.2f} s (CPU {after_cpu:5.2f} s; {_pages(data)} pages)"
            if not args.skip_before:
                before, before_cpu, old = _median(lambda a=application: render_before(a), args.repeat)
                line += (
                    f"; before {before:5.2f} s (CPU {before_cpu:5.2f} s; {_pages(old)} pages)"
                    f"; {before_cpu / after_cpu:.1f}x less CPU"
                )
            print(line, flush=True)
    finally:
        if database_url:
            _drop_database(database_url)


if __name__ == "__main__":
    main()
