"""Fixtures shared by every app's tests: services that may be missing, and the browser."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# --- Running the suite as of another date -------------------------------------------------------
# `pytest --as-of=2028-02-29` (or PORTAL_TEST_DATE=2028-02-29) starts time-machine before any test
# and keeps it running for the whole session, with the clock ticking from 10:00 London time on that
# day. Tests that pin their own clock with time_machine.travel still do (travels nest). Browser and
# real-worker tests are skipped under --as-of: Chromium and a worker process keep the real clock,
# so cookies, sessions and task ETAs would disagree with the server's travelled clock.
AS_OF_ENV = "PORTAL_TEST_DATE"


def pytest_addoption(parser):
    parser.addoption(
        "--as-of",
        action="store",
        default=os.environ.get(AS_OF_ENV, ""),
        metavar="YYYY-MM-DD",
        help=f"run the suite as if today were this date (time-machine, whole session; env {AS_OF_ENV})",
    )


def as_of_date(config):
    import datetime as dt

    value = (config.getoption("--as-of") or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"--as-of / {AS_OF_ENV} must be a date like 2028-02-29, not {value!r}") from None


def pytest_configure(config):
    day = as_of_date(config)
    if day is None:
        return
    import datetime as dt
    import zoneinfo

    import time_machine

    moment = dt.datetime.combine(day, dt.time(10, 0), tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    config._portal_as_of = (day, traveller)


def pytest_unconfigure(config):
    state = getattr(config, "_portal_as_of", None)
    if state:
        state[1].stop()


def pytest_report_header(config):
    day = as_of_date(config)
    if day:
        return f"portal: running as of {day.isoformat()} (time-machine for the whole session)"


def pytest_collection_modifyitems(config, items):
    if as_of_date(config) is None:
        return
    skip = pytest.mark.skip(reason="keeps the real clock (browser or worker process): not run under --as-of")
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("worker"):
            item.add_marker(skip)


def missing_service(reason):
    """Skip on a laptop without the service; in CI a missing service is a failure."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}: CI must run every test.", pytrace=False)
    pytest.skip(reason)


def reachable(url, default_port):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    from django.conf import settings

    url = settings.TEST_REDIS_URL
    if not url:
        missing_service("no Redis configured (set CELERY_BROKER_URL or TEST_REDIS_URL)")
    if not reachable(url, 6379):
        missing_service(f"Redis at {url} is not answering")
    return url


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing_service(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def use_broker():
    """Send tasks from this test process to a real broker, then go back to eager."""
    from accreditation.celery import app

    def reset_pools():
        from kombu import pools

        pools.reset()  # kombu keeps connection pools per broker URL, process-wide
        app._pool = None
        app.amqp._producer_pool = None

    def switch(url):
        reset_pools()
        app.conf.task_always_eager = False
        app.conf.broker_url = url

    yield switch
    reset_pools()
    app.conf.task_always_eager = True
    app.conf.broker_url = None


class WorkerProcess:
    """A real `celery worker` in its own process, on the test database and a real Redis."""

    def __init__(self, redis_url, database_url, mail_dir):
        self.redis_url, self.database_url, self.mail_dir = redis_url, database_url, mail_dir
        self.processes = []

    def start(self, **extra_env):
        import subprocess
        import sys
        import threading
        import time

        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
            "DJANGO_SETTINGS_MODULE": "accreditation.settings",
            "DEBUG": "true",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.redis_url,
            "EMAIL_URL": "filemail://",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "SITE_URL": "http://testserver",
            **{k: str(v) for k, v in extra_env.items()},
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "accreditation",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test{len(self.processes)}@%h",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        process.log = []
        ready = threading.Event()

        def pump():
            for line in process.stdout:
                process.log.append(line)
                if " ready." in line:
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        self.processes.append(process)
        deadline = time.monotonic() + 60
        while not ready.wait(0.2):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + "".join(process.log))
        return process

    def kill(self, process):
        import signal

        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except Exception:  # noqa: BLE001
                    process.kill()

    def sent_messages(self):
        return sorted(self.mail_dir.glob("*.log"))


@pytest.fixture
def celery_worker_process(redis_url, tmp_path, use_broker):
    """Start real workers against the test database; the test must use django_db(transaction=True)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service("a real worker needs the test database on PostgreSQL (set DATABASE_URL)")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    mail_dir = tmp_path / "sent-email"
    mail_dir.mkdir()
    use_broker(redis_url)
    workers = WorkerProcess(redis_url, database_url, mail_dir)
    yield workers
    workers.stop_all()


OUR_APPS = ("accreditation", "schools", "portfolios", "validation")


def replay_data_migrations():
    """Load again what our data migrations load (teams, criteria, rules, schedules).

    A transactional test empties every table when it ends, so the next one would find no reference
    data; the data migrations are idempotent, so running them against today's models restores it.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [node for node in loader.graph.forwards_plan(leaf) if node[0] in OUR_APPS and node not in plan]
    for node in plan:
        for operation in loader.graph.nodes[node].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        replay_data_migrations()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches: cached figures (the dashboard), cached pages and
    rate-limit counts from another test's rolled-back data must not leak into it."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


# The EICAR anti-virus test string, kept in two halves so this file is not itself a "virus".
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" + b"-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """A real clamd (Debian's clamav-daemon) on a local socket in a temporary folder, with its own
    configuration and a one-line signature database that detects EICAR: no freshclam download."""
    import subprocess
    import time

    binary = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)
    if binary is None:
        missing_service("clamd is not installed (apt-get install clamav-daemon)")
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "local.ndb").write_text(f"Portal.Test.EICAR:0:*:{EICAR.hex()}\n")
    sock = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {folder / 'db'}\nForeground yes\nLogFile {folder / 'clamd.log'}\n"
        "StreamMaxLength 100M\nMaxThreads 4\nSelfCheck 0\n"
    )
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.settimeout(1)
                probe.connect(str(sock))
                probe.sendall(b"zPING\0")
                if probe.recv(16).startswith(b"PONG"):
                    break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        missing_service("clamd did not start within 60 seconds")
    if process.poll() is not None:
        log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
        missing_service(f"clamd exited at start: {log[-500:]}")
    yield str(sock)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def virus_scanner(settings, clamd_socket):
    """Uploads in this test are scanned by the real clamd."""
    settings.CLAMAV_SOCKET = clamd_socket
    return clamd_socket
