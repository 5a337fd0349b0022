"""Benchmark (not a test): the nightly stale-evidence sweep beside one hand-written SQL UPDATE.

    createdb -h 127.0.0.1 -U postgres bench_jobs
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_jobs .venv/bin/python benchmarks/stale_sweep.py --rows 1000000

It migrates the database, loads N evidence rows with COPY (dates spread over the last four years,
so about a quarter are out of date), schools and applications listed for meetings (so the "before
its meeting" rule has work to do), then times `portfolios.jobs.evidence_sweep_staleness` and a
single SQL UPDATE that sets the same flags, resetting the flags (and vacuuming) before each run.
Both are timed on a first night (every flag to write) and on a second night (nothing changes).
It checks both leave identical flags, prints the times and the ratio, then removes what it loaded.
Use a database of its own: it refuses one that already holds evidence.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accreditation.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from portfolios import jobs  # noqa: E402
from portfolios.dates import stale_from  # noqa: E402
from portfolios.models import Application, CriteriaSet, CriterionResponse, EvidenceItem  # noqa: E402
from schools.models import School  # noqa: E402

URN_BASE = 990000  # the benchmark's schools; removed at the end
CLOSED = [str(s) for s in Application.CLOSED_STATES]


def equivalent_sql(as_of: date):
    """The sweep as one statement: both flags, touching only rows whose flags change. The scalar
    subquery (evaluated once) bounds the correlated EXISTS, as the service's Python bound does."""
    expiring = """(e.stale_from > %(as_of)s AND e.stale_from <= (
            SELECT GREATEST(%(soon)s, max(meeting_date)) FROM portfolios_application
            WHERE meeting_date IS NOT NULL AND state <> ALL(%(closed)s))
        AND (e.stale_from <= %(soon)s OR EXISTS (
            SELECT 1 FROM portfolios_criterionresponse_evidence l
            JOIN portfolios_criterionresponse r ON r.id = l.criterionresponse_id
            JOIN portfolios_application a ON a.id = r.application_id
            WHERE l.evidenceitem_id = e.id AND a.meeting_date >= e.stale_from AND a.state <> ALL(%(closed)s))))"""
    # Fixed fragments only; every value is a query parameter.
    sql = f"""
        UPDATE portfolios_evidenceitem e SET
            stale_since = CASE WHEN e.stale_from <= %(as_of)s THEN e.stale_from ELSE e.stale_since END,
            expiring_flagged_on = CASE WHEN {expiring} THEN COALESCE(e.expiring_flagged_on, %(as_of)s) END
        WHERE (e.stale_from <= %(as_of)s AND e.stale_since IS NULL)
           OR ({expiring} AND e.expiring_flagged_on IS NULL)
           OR (e.expiring_flagged_on IS NOT NULL AND NOT {expiring})
    """  # noqa: S608
    soon = as_of + timedelta(days=jobs.EXPIRING_WITHIN_DAYS)
    return sql, {"as_of": as_of, "soon": soon, "closed": CLOSED}


# The plain statement: the stale flag alone (less work than the sweep, which also keeps
# the expiring flag right).
STALE_ONLY_SQL = (
    "UPDATE portfolios_evidenceitem SET stale_since = stale_from WHERE stale_from <= %s AND stale_since IS NULL"
)


def load(rows: int, schools: int, listed: int, as_of: date):
    print(f"Loading {schools:,} schools, {rows:,} evidence rows and {listed:,} listed applications ...", flush=True)
    started = time.perf_counter()
    School.objects.bulk_create(
        School(urn=URN_BASE + n, name=f"Benchmark School {n}", la_code=919, status="Open") for n in range(schools)
    )
    school_ids = list(School.objects.filter(urn__gte=URN_BASE).order_by("pk").values_list("pk", flat=True))
    rng = random.Random(6)  # noqa: S311 (reproducible test data, not a secret)
    now = timezone.now()
    columns = (
        "school_id, kind, title, description, produced_on, impact, url, file, original_name, size, sha256, "
        "content_type, uploaded_at, updated_at, stale_from"
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY portfolios_evidenceitem ({columns}) FROM STDIN") as copy,
    ):
        for n in range(rows):
            produced = as_of - timedelta(days=rng.randrange(4 * 365))
            copy.write_row(
                (
                    school_ids[n % schools],
                    "link",
                    f"Evidence {n}",
                    "",
                    produced,
                    "Fewer incidents",
                    "https://www.example.sch.uk/evidence",
                    "",
                    "",
                    0,
                    "",
                    "",
                    now,
                    now,
                    stale_from(produced),
                )
            )
    criteria_set = CriteriaSet.objects.get(is_current=True)
    criteria = list(criteria_set.criteria.all())
    applications = Application.objects.bulk_create(
        Application(
            school_id=school_ids[n],
            criteria_set=criteria_set,
            state=Application.State.SCHEDULED,
            meeting_date=as_of + timedelta(days=30 + 7 * (n % 20)),
        )
        for n in range(listed)
    )
    responses = CriterionResponse.objects.bulk_create(
        CriterionResponse(application=a, criterion=c) for a in applications for c in criteria
    )
    Link = CriterionResponse.evidence.through
    by_school = {}
    for pk, school_id in EvidenceItem.objects.filter(school_id__in=school_ids[:listed]).values_list("pk", "school_id"):
        by_school.setdefault(school_id, []).append(pk)
    Link.objects.bulk_create(
        (
            Link(criterionresponse_id=r.pk, evidenceitem_id=pk)
            for r, a in ((r, r.application) for r in responses)
            for pk in rng.sample(by_school[a.school_id], 5)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE portfolios_evidenceitem")
        cursor.execute("ANALYZE portfolios_criterionresponse_evidence")
    print(f"Loaded in {time.perf_counter() - started:.1f} s", flush=True)


def reset():
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE portfolios_evidenceitem SET stale_since = NULL, expiring_flagged_on = NULL "
            "WHERE stale_since IS NOT NULL OR expiring_flagged_on IS NOT NULL"
        )
        cursor.execute("VACUUM ANALYZE portfolios_evidenceitem")


def snapshot():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(stale_since), sum(stale_since - DATE '2000-01-01'), count(expiring_flagged_on), "
            "md5(string_agg(id::text, ',' ORDER BY id) FILTER (WHERE expiring_flagged_on IS NOT NULL)) "
            "FROM portfolios_evidenceitem"
        )
        return cursor.fetchone()


def timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run_stale_only(as_of):
    with connection.cursor() as cursor:
        cursor.execute(STALE_ONLY_SQL, [as_of])


def run_sql(as_of):
    sql, params = equivalent_sql(as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=1_000)
    parser.add_argument("--listed", type=int, default=300, help="applications listed for a meeting")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the loaded rows in the database")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database of the benchmark's own.")
    call_command("migrate", verbosity=0)
    if EvidenceItem.objects.exists() or School.objects.filter(urn__gte=URN_BASE).exists():
        sys.exit("This database already holds evidence or benchmark schools: use an empty database.")
    as_of = timezone.localdate()
    try:
        load(args.rows, args.schools, args.listed, as_of)
        results = {k: [] for k in ("service", "sql", "stale_only", "service_again", "sql_again", "stale_only_again")}
        flags = {}
        for _ in range(args.repeat):
            for name, fn in (
                ("service", lambda: jobs.evidence_sweep_staleness(as_of=as_of)),
                ("sql", lambda: run_sql(as_of)),
                ("stale_only", lambda: run_stale_only(as_of)),
            ):
                reset()
                results[name].append(timed(fn))
                if name != "stale_only":
                    flags[name] = snapshot()
                results[f"{name}_again"].append(timed(fn))  # the next night, nothing to change
        if flags["service"] != flags["sql"]:
            sys.exit(f"The two sweeps disagree: service {flags['service']} vs SQL {flags['sql']}")
        stale, _, expiring, _ = flags["service"]
        med = {k: statistics.median(v) for k, v in results.items()}
        print(f"\n{args.rows:,} evidence rows; {stale:,} flagged stale, {expiring:,} flagged expiring (both agree)")
        print(f"median of {args.repeat} runs; flags reset and the table vacuumed before each first night\n")
        print(f"{'':28}{'first night':>14}{'next night':>14}")
        rows = (
            ("evidence_sweep_staleness", "service"),
            ("equivalent SQL UPDATE", "sql"),
            ("stale-only SQL UPDATE", "stale_only"),
        )
        for label, key in rows:
            print(f"{label:28}{med[key]:>12.3f} s{med[key + '_again']:>12.3f} s")
        for label, key in rows[1:]:
            ratio, again = med["service"] / med[key], med["service_again"] / med[key + "_again"]
            print(f"{'ratio to ' + label:28}{ratio:>13.2f}x{again:>13.2f}x")
    finally:
        if not args.keep:
            print("\nRemoving the benchmark's rows ...", flush=True)
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE portfolios_evidenceitem, portfolios_criterionresponse_evidence CASCADE")
            CriterionResponse.objects.filter(application__school__urn__gte=URN_BASE).delete()
            Application.objects.filter(school__urn__gte=URN_BASE).delete()
            School.objects.filter(urn__gte=URN_BASE).delete()


if __name__ == "__main__":
    main()
