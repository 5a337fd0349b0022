"""Where a page's time goes, in-process: each page rendered N times through the full middleware
stack with Django's test client and production settings (DEBUG off, cached template loaders),
timed, then profiled with cProfile. Not a test; for finding the cost, beside `run.py`'s figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/profile_pages.py
    ... benchmarks/profile_pages.py --pages task_list readiness --profile --top 40
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup():
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    os.environ.update(
        DEBUG="false",
        SECRET_KEY="profile-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="accreditation.settings",
        CLAMAV_SOCKET="tcp://127.0.0.1:9",
        STATIC_ROOT=os.environ.get("PROFILE_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "portal-profile-static")),
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    if not Path(os.environ["STATIC_ROOT"], "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", nargs="*")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accreditation.tests.helpers import login
    from benchmarks import run

    objects = run.bench_objects()
    paths = run.page_paths(objects, "/dashboard/")
    who_by_key = {key: who for key, _, who in [*run.PAGES, run.FLOOR]}
    keys = args.pages or list(paths)
    for key in keys:
        client = Client()
        if who_by_key.get(key):
            login(client, objects[who_by_key[key]])
        response = client.get(paths[key])
        if response.status_code != 200:
            print(f"{key}: {paths[key]} answered {response.status_code}")
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(paths[key])
        query_count = len(queries)  # read now: the next request clears the connection's log
        times, cpu = [], []
        for _ in range(args.n):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(paths[key])
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        # Python function calls per request: a deterministic measure of the web side's work, for
        # before/after comparisons on a machine too loaded for timings to mean much.
        counter = cProfile.Profile()
        counter.enable()
        client.get(paths[key])
        counter.disable()
        calls = pstats.Stats(counter).total_calls
        print(
            f"{key:<22} median {statistics.median(times):7.1f} ms  min {min(times):7.1f} ms  "
            f"cpu median {statistics.median(cpu):6.1f} ms  calls {calls:>7,}  queries {query_count}"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get(paths[key])
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
