"""Scale-out check: two web instances and two Celery workers sharing PostgreSQL, Redis and S3.

    .venv/bin/python benchmarks/scale_out.py

A council that outgrows one machine runs more web processes and more workers against the same
PostgreSQL, Redis and S3 bucket. This shows that nothing the portal needs lives on one process's
disk or memory. On loopback only, it starts:

- moto's S3-compatible server (in this process) and creates a bucket;
- two gunicorn instances (A and B, 2 sync workers each, production settings) on two ports;
- two Celery workers (separate processes) and ONE beat (the database scheduler);

all on one PostgreSQL database (SCALEOUT_DATABASE_URL, default .../scaleout, created, migrated and
loaded with a small `seed_bench` if empty), one Redis database (broker and cache, default db 15,
emptied at the start and the end) and the bucket. Then it checks, and records pass or fail:

1. a session signed in through A (a school lead; an admin with the second factor) works on B;
2. an evidence file uploaded through A downloads byte-identical through B, and is in the bucket,
   not on the web instances' local disk;
3. failed sign-ins counted through both instances lock the account on both (axes, in PostgreSQL);
4. an email queued by A (a password reset) is delivered once, by one of the two workers;
5. a periodic sweep dispatched by beat (the award expiry sweep, as a one-off schedule) runs once,
   on one worker: the awards due lapse with one audit entry each, and the expiry reminders it
   queues go once each (SentNotice rows);

and measures throughput at 16 clients (a signed-in page and the public register) with one web
instance and with two (8 clients on each). Writes the "scale_out" key of benchmarks/results.json
and its section of benchmarks/RESULTS.md, and stops every process it started (in a finally).
Bounded: each load run stops at 320 requests or 15 s; the whole run takes about 2 minutes.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import run as bench
from benchmarks.loadgen import Session, sign_in

ROOT = bench.ROOT
PYTHON = bench.PYTHON
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/scaleout"
SEED = ["--schools", "300", "--evidence", "20", "--applications", "60", "--awards", "150"]
BUCKET = "portal-scale-out"
LOAD = {"clients": 16, "max_requests": 320, "max_seconds": 15.0}
DUE_AWARDS = 5  # awards this run makes due, so the sweep has work on every run
log = bench.log


# ------------------------------------------------------------------------------------ services
def start_s3():
    from moto.server import ThreadedMotoServer

    port = bench.free_port()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, port


def s3_client(port):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="eu-west-2",
        aws_access_key_id="scale-out-not-a-key",
        aws_secret_access_key="scale-out-not-a-secret",  # noqa: S106 - moto accepts anything
    )


def redis_flush(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def celery(env, log_path, *args):
    out = open(log_path, "w")  # noqa: SIM115 - closed in stop()
    process = subprocess.Popen(  # noqa: S603 - celery from our venv, fixed arguments
        [PYTHON, "-m", "celery", "-A", "accreditation", *args], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
    )
    process._log = out
    process._log_path = log_path
    return process


def start_worker(env, log_path, name):
    process = celery(
        env,
        log_path,
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
    )
    wait_for(lambda: " ready." in Path(log_path).read_text(), 60, f"worker {name}", process)
    return process


def start_beat(env, log_path, schedule_dir):
    process = celery(
        env, log_path, "beat", "--loglevel", "INFO", "--max-interval", "2", "-s", str(Path(schedule_dir) / "beat")
    )
    wait_for(lambda: "beat: Starting" in Path(log_path).read_text(), 60, "beat", process)
    return process


def stop(process):
    if process is None:
        return
    if hasattr(process, "stop"):  # the moto server
        process.stop()
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if getattr(process, "_log", None):
        process._log.close()


def wait_for(check, seconds, what, process=None):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode})")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{what}: not ready within {seconds} s")


# ------------------------------------------------------------------------------------- checks
def check_sessions(port_a, port_b, objects, seed_bench):
    lead = sign_in(port_a, seed_bench.BENCH_LEAD, seed_bench.BENCH_PASSWORD)
    on_b = Session(port_b)
    on_b.cookies = dict(lead.cookies)
    path = f"/portfolio/applications/{objects['application'].pk}/"
    status, _, body = on_b.request("GET", path)
    lead_ok = status == 200 and objects["school"].name.encode() in body
    admin = sign_in(port_a, seed_bench.BENCH_ADMIN, seed_bench.BENCH_PASSWORD, bench.code_for(objects["admin"]))
    admin_b = Session(port_b)
    admin_b.cookies = dict(admin.cookies)
    admin_status, _, _ = admin_b.request("GET", "/dashboard/")
    signed_out_status, _, _ = Session(port_b).request("GET", path)
    return {
        "passed": lead_ok and admin_status == 200 and signed_out_status == 302,
        "lead_page_on_b": status,
        "lead_page_shows_school": lead_ok,
        "admin_dashboard_on_b_after_second_factor_on_a": admin_status,
        "same_page_signed_out_on_b": signed_out_status,
    }, lead


def upload_body(token, criterion_id, payload, boundary):
    fields = {
        "csrfmiddlewaretoken": token,
        "title": "Scale-out upload",
        "description": "",
        "produced_on_0": "1",
        "produced_on_1": "9",
        "produced_on_2": str(datetime.now().year - 1),
        "impact": "Scale-out check",
        "criteria": str(criterion_id),
    }
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="scale-out.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    return head.encode() + payload + f"\r\n--{boundary}--\r\n".encode()


def check_upload(port_b, lead_a, objects, s3_port, media_root):
    from portfolios.models import Criterion, EvidenceItem

    school = objects["school"]
    path = f"/portfolio/schools/{school.pk}/evidence/upload/"
    payload = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + secrets.token_bytes(300 * 1024) + b"\n%%EOF\n"
    criterion = Criterion.objects.filter(criteria_set__is_current=True).order_by("number").first()
    boundary = "----scaleout" + secrets.token_hex(8)
    body = upload_body(lead_a.csrf_token(path), criterion.pk, payload, boundary)
    status, _, _ = lead_a.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    item = EvidenceItem.objects.filter(school=school, original_name="scale-out.pdf").order_by("-pk").first()
    result = {"upload_status_on_a": status, "stored": item is not None}
    if item is None:
        result["passed"] = False
        return result
    lead_b = Session(port_b)
    lead_b.cookies = dict(lead_a.cookies)
    dl_status, _, downloaded = lead_b.request("GET", f"/portfolio/evidence/{item.pk}/download/")
    s3 = s3_client(s3_port)
    obj = s3.get_object(Bucket=BUCKET, Key=item.file.name)["Body"].read()
    local = [str(p) for p in Path(media_root).rglob("*") if p.is_file()]
    result.update(
        bytes=len(payload),
        download_status_on_b=dl_status,
        byte_identical=downloaded == payload,
        in_bucket=obj == payload,
        bucket_key=item.file.name,
        files_on_local_disk=len(local),
    )
    # Delete it through B: the object leaves the bucket.
    delete_path = f"/portfolio/evidence/{item.pk}/delete/"
    del_status, _, _ = lead_b.post_form(delete_path, {})
    remaining = s3.list_objects_v2(Bucket=BUCKET, Prefix=item.file.name).get("KeyCount", 0)
    result.update(
        delete_status_on_b=del_status,
        gone_from_bucket_after_delete=remaining == 0,
        passed=status == 302
        and dl_status == 200
        and downloaded == payload
        and obj == payload
        and not local
        and remaining == 0,
    )
    if EvidenceItem.objects.filter(pk=item.pk).exists():  # leave the school as it was
        item.file.delete(save=False)
        item.criteria.clear()
        item.delete()
    return result


def check_lockout(port_a, port_b):
    """Failed sign-ins through both instances add up (axes keeps them in PostgreSQL)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    email = f"scale-out-{secrets.token_hex(4)}@example.org"
    password = secrets.token_urlsafe(16)
    get_user_model().objects.create_user(email=email, password=password)
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit):
        Session(port_a if n % 2 == 0 else port_b).post_form(
            "/accounts/sign-in/", {"username": email, "password": "wrong-" + password}
        )
    status_b, _, _ = Session(port_b).post_form("/accounts/sign-in/", {"username": email, "password": password})
    status_a, _, _ = Session(port_a).post_form("/accounts/sign-in/", {"username": email, "password": password})
    return {
        "failures_alternating_a_b": limit,
        "right_password_on_b_status": status_b,
        "right_password_on_a_status": status_a,
        "passed": status_b != 302 and status_a != 302,
        "account": email,
    }


def delivered_to(mail_dir, address, subject_part) -> int:
    count = 0
    for path in Path(mail_dir).glob("*.log"):
        text = path.read_text(errors="replace")
        for message in text.split("-" * 79):
            if f"To: {address}" in message and subject_part in message:
                count += 1
    return count


def task_runs(log_paths, task_name) -> dict:
    pattern = re.compile(rf"Task {re.escape(task_name)}\[[^\]]+\] succeeded")
    return {name: len(pattern.findall(Path(p).read_text())) for name, p in log_paths.items()}


def check_email(port_a, objects, mail_dir, worker_logs):
    from accreditation.models import OutboxMessage

    lead = objects["lead"]
    before = set(OutboxMessage.objects.filter(template="password_reset").values_list("pk", flat=True))
    runs_before = task_runs(worker_logs, "accreditation.tasks.deliver_email")
    status, _, _ = Session(port_a).post_form("/accounts/password-reset/", {"email": lead.email})
    new = OutboxMessage.objects.filter(template="password_reset").exclude(pk__in=before)

    def sent():  # a fresh query each time (a QuerySet caches its rows)
        rows = list(new.all())
        return bool(rows) and all(m.status == OutboxMessage.Status.SENT for m in rows)

    wait_for(sent, 60, "password reset email")
    time.sleep(1.5)  # time for a second (wrong) delivery to show, if there were one
    message = new.get()
    runs = task_runs(worker_logs, "accreditation.tasks.deliver_email")
    by_worker = {name: runs[name] - runs_before[name] for name in runs}
    copies = delivered_to(mail_dir, lead.email, message.subject)
    return {
        "request_status_on_a": status,
        "outbox_rows": new.count(),
        "status": message.status,
        "attempts": message.attempts,
        "copies_delivered": copies,
        "deliveries_by_worker": by_worker,
        "passed": status == 302 and new.count() == 1 and copies == 1 and sum(by_worker.values()) == 1,
    }


def make_awards_due(count):
    from django.utils import timezone

    from validation.models import Award

    yesterday = timezone.localdate() - timedelta(days=1)
    due = list(
        Award.objects.filter(status=Award.Status.CURRENT, awarded_on__lt=yesterday)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    Award.objects.filter(pk__in=due).update(expires_on=yesterday)
    already = Award.objects.filter(status=Award.Status.CURRENT, expires_on__lte=yesterday + timedelta(days=1))
    return sorted(set(already.values_list("pk", flat=True)))


def schedule_one_off_sweep():
    """Every schedule in this database is disabled (their crontabs would not fall in this run);
    one one-off interval schedule runs the award expiry sweep two seconds after beat starts."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    PeriodicTask.objects.exclude(name__startswith="celery.").update(enabled=False)
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    name = f"scale-out award expiry sweep {secrets.token_hex(3)}"
    return PeriodicTask.objects.create(
        name=name, task="validation.tasks.sweep_award_expiry", interval=every, one_off=True, enabled=True
    )


def check_beat(task, due_ids, started_at, worker_logs, beat_log, mail_dir):
    from accreditation.models import AuditEvent, OutboxMessage, SentNotice
    from validation.models import Award

    name = "validation.tasks.sweep_award_expiry"
    wait_for(lambda: sum(task_runs(worker_logs, name).values()) >= 1, 60, "the beat-dispatched sweep")
    # Reminders it queued: wait until their tasks have run and their emails have gone.
    wait_for(
        lambda: (
            not OutboxMessage.objects.filter(template__startswith="award_expiry", created_at__gte=started_at)
            .exclude(status=OutboxMessage.Status.SENT)
            .exists()
        ),
        60,
        "expiry reminder emails",
    )
    time.sleep(4)  # two more beat ticks: a one-off schedule must not fire again
    task.refresh_from_db()
    runs = task_runs(worker_logs, name)
    sent_by_beat = len(re.findall(rf"Sending due task [^\n]*\({re.escape(name)}\)", Path(beat_log).read_text()))
    lapsed = Award.objects.filter(pk__in=due_ids, status=Award.Status.LAPSED).count()
    audits = AuditEvent.objects.filter(action="award.lapsed", target_id__in=[str(i) for i in due_ids]).count()
    notices = SentNotice.objects.filter(kind="award_expiry", created_at__gte=started_at)
    messages = OutboxMessage.objects.filter(template__startswith="award_expiry", created_at__gte=started_at)
    all_keys = list(SentNotice.objects.filter(kind="award_expiry").values_list("key", flat=True))
    reminder_runs = task_runs(worker_logs, "validation.tasks.send_award_expiry_reminder")
    notice_keys = list(notices.values_list("key", flat=True))
    return {
        "beat_dispatches": sent_by_beat,
        "schedule_enabled_after": task.enabled,
        "runs_by_worker": runs,
        "awards_due": len(due_ids),
        "awards_lapsed": lapsed,
        "lapse_audit_entries": audits,
        "expiry_reminder_tasks_by_worker": reminder_runs,
        "sent_notices": len(notice_keys),
        "sent_notice_keys_unique": len(notice_keys) == len(set(notice_keys)),
        "reminder_emails_sent": messages.filter(status=OutboxMessage.Status.SENT).count(),
        "sent_notices_all_runs": len(all_keys),
        "sent_notice_keys_unique_all_runs": len(all_keys) == len(set(all_keys)),
        "passed": sent_by_beat == 1
        and sum(runs.values()) == 1
        and lapsed == len(due_ids)
        and audits == len(due_ids)
        and len(notice_keys) == len(set(notice_keys))
        and not task.enabled,
    }


def throughput(ports, path, session) -> dict:
    """16 clients in all, split evenly over the instances on `ports`; runs side by side."""
    from benchmarks.loadgen import run

    share = LOAD["clients"] // len(ports)
    results = [None] * len(ports)

    def one(i, port):
        results[i] = run(
            port,
            path,
            session=session,
            clients=share,
            max_requests=LOAD["max_requests"] // len(ports),
            max_seconds=LOAD["max_seconds"],
        )

    threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(ports)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    requests = sum(r["requests"] for r in results)
    wall = max(r["seconds"] for r in results)
    statuses = {}
    for r in results:
        for k, v in r["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    return {
        "instances": len(ports),
        "clients": LOAD["clients"],
        "requests": requests,
        "throughput_rps": round(requests / wall, 1) if wall else None,
        "median_ms": sorted(r["median_ms"] for r in results)[len(results) // 2],
        "p95_ms": max(r["p95_ms"] for r in results),
        "statuses": statuses,
    }


# ---------------------------------------------------------------------------------------- main
def prepare(env):
    url = env["DATABASE_URL"]
    bench.ensure_database(url)
    bench.manage(env, "migrate", "--verbosity", "0")
    schools, _ = bench.seeded_counts(url)
    if schools == 0:
        log("Seeding the scale-out database (seed_bench, 300 schools) ...")
        bench.manage(env, "seed_bench", *SEED, "--force")
    else:
        log(f"Scale-out data already loaded ({schools:,} schools)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-db", type=int, default=15, help="Redis database number of its own (emptied)")
    parser.add_argument("--keep-logs", action="store_true", help="leave the processes' logs in a temporary folder")
    args = parser.parse_args()
    url = os.environ.get("SCALEOUT_DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("The scale-out check needs PostgreSQL: SCALEOUT_DATABASE_URL=postgres://... (a database of its own).")
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    started_wall = time.perf_counter()
    started_at = datetime.now()
    work = Path(tempfile.mkdtemp(prefix="scale-out-"))
    media_root, mail_dir, static_root = work / "local-disk-media", work / "sent-email", work / "static"
    for folder in (media_root, mail_dir):
        folder.mkdir()
    processes = {}
    s3_server = None
    result = {"started_at": f"{started_at:%d %B %Y %H:%M}", "machine": bench.machine(), "checks": {}}
    try:
        s3_server, s3_port = start_s3()
        s3_client(s3_port).create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        log(f"moto S3 server on 127.0.0.1:{s3_port}, bucket {BUCKET}")
        redis_flush(redis_url)
        env = bench.production_env(
            url,
            str(static_root),
            str(media_root),
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
            AWS_S3_REGION_NAME="eu-west-2",
            AWS_ACCESS_KEY_ID="scale-out-not-a-key",
            AWS_SECRET_ACCESS_KEY="scale-out-not-a-secret",  # noqa: S106 - moto accepts anything
            CACHE_URL=redis_url,
            CELERY_BROKER_URL=redis_url,
            EMAIL_URL="filemail://",
            EMAIL_FILE_PATH=str(mail_dir),
            SITE_URL="http://127.0.0.1",
        )
        prepare(env)
        bench.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        os.environ.update(env)
        bench.django_setup()
        from django.utils import timezone

        from validation.management.commands import seed_bench

        objects = bench.bench_objects()
        due_ids = make_awards_due(DUE_AWARDS)
        sweep_task = schedule_one_off_sweep()
        since = timezone.now()

        ports = {"A": bench.free_port(), "B": bench.free_port()}
        for name, port in ports.items():
            log(f"gunicorn {name} (2 sync workers) on 127.0.0.1:{port}")
            processes[f"web {name}"] = bench.start_gunicorn(env, port, work / f"gunicorn-{name}.log")
        worker_logs = {}
        for name in ("worker1", "worker2"):
            worker_logs[name] = work / f"{name}.log"
            log(f"Celery {name}")
            processes[name] = start_worker(env, worker_logs[name], name)

        log("Check: a session made on A works on B")
        result["checks"]["session"], lead_a = check_sessions(ports["A"], ports["B"], objects, seed_bench)
        log("Check: upload through A, download through B, stored in S3")
        result["checks"]["upload"] = check_upload(ports["B"], lead_a, objects, s3_port, media_root)
        log("Check: failed sign-ins on A and B lock the account on both")
        result["checks"]["lockout"] = check_lockout(ports["A"], ports["B"])
        log("Check: an email queued by A is delivered once")
        result["checks"]["email"] = check_email(ports["A"], objects, mail_dir, worker_logs)
        log("Check: one beat, two workers: the sweep runs once")
        processes["beat"] = start_beat(env, work / "beat.log", work)
        result["checks"]["periodic_sweep"] = check_beat(
            sweep_task, due_ids, since, worker_logs, work / "beat.log", mail_dir
        )
        stop(processes.pop("beat"))

        log("Throughput at 16 clients: one instance, then two")
        lead_session = lead_a
        signed_in = f"/portfolio/applications/{objects['application'].pk}/"
        result["throughput"] = {}
        for key, path, session in (
            ("signed_in_task_list", signed_in, lead_session),
            ("public_register", "/accredited-schools/", None),
        ):
            one = throughput([ports["A"]], path, session)
            two = throughput([ports["A"], ports["B"]], path, session)
            result["throughput"][key] = {
                "path": path,
                "one_instance": one,
                "two_instances": two,
                "ratio": round(two["throughput_rps"] / one["throughput_rps"], 2) if one["throughput_rps"] else None,
            }
    finally:
        for name in list(processes)[::-1]:
            stop(processes.pop(name))
        if s3_server is not None:
            s3_server.stop()
        try:
            redis_flush(redis_url)
        except Exception as error:  # noqa: BLE001 - reporting only
            log(f"Could not empty {redis_url}: {error}")
        if args.keep_logs:
            log(f"Logs left in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    result["passed"] = all(check["passed"] for check in result["checks"].values())
    result["database"] = urlsplit(url).path.lstrip("/")
    result["redis"] = redis_url
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["duration_s"] = round(time.perf_counter() - started_wall, 1)
    here = Path(__file__).resolve().parent
    results_path = here / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["scale_out"] = result
    results_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    if "verdicts" in results:
        bench.write_markdown(results, here / "RESULTS.md")
    log(f"Wrote the scale_out figures into {results_path} and RESULTS.md")
    for name, check in result["checks"].items():
        print(f"  {'passed' if check['passed'] else 'FAILED'}  {name}")
    for key, figures in result["throughput"].items():
        print(
            f"  {key}: {figures['one_instance']['throughput_rps']} req/s on one instance, "
            f"{figures['two_instances']['throughput_rps']} on two"
        )
    if not result["passed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
