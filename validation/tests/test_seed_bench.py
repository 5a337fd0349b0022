"""`seed_bench` keeps loading a database the benchmark can use (its COPY lists columns by hand,
so a new NOT NULL column on evidence broke it once without any test noticing)."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from portfolios.models import Application, EvidenceItem
from schools.models import School
from validation.management.commands.seed_bench import (
    BENCH_ITEMS,
    BENCH_LARGE_ITEMS,
    BENCH_LARGE_SCHOOL_URN,
    BENCH_SCHOOL_URN,
)
from validation.models import AgendaItem, Award

pytestmark = pytest.mark.django_db


@time_machine.travel("2027-01-20 10:00 +00:00", tick=False)
def test_a_small_seed_fills_every_table_the_benchmark_reads():
    if connection.vendor != "postgresql":
        pytest.skip("seed_bench needs PostgreSQL (CI runs this test there)")
    out = io.StringIO()

    call_command("seed_bench", schools=120, evidence=3, applications=40, awards=20, force=True, stdout=out)

    bench = School.objects.get(urn=BENCH_SCHOOL_URN)
    assert EvidenceItem.objects.filter(school=bench).count() == BENCH_ITEMS
    assert EvidenceItem.objects.filter(school__urn=BENCH_LARGE_SCHOOL_URN).count() == BENCH_LARGE_ITEMS
    assert EvidenceItem.objects.count() == 120 * 3 + BENCH_ITEMS + BENCH_LARGE_ITEMS
    # Seeded files have passed the virus check, so every page and download treats them as available.
    files = EvidenceItem.objects.exclude(file="")
    assert files.exists() and not files.exclude(scan_state=EvidenceItem.Scan.CLEAN).exists()
    draft = Application.objects.get(school=bench)
    assert draft.responses.count() == 8
    assert AgendaItem.objects.exists() and Award.objects.exists()
    assert "total" in out.getvalue()
