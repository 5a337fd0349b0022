"""gunicorn's settings for the portal (the Procfile, `make prod` and deploy/systemd use this file).

Every value is chosen on purpose; the environment may override the ones a host needs to tune.
"""

import os
import tempfile

# Where to listen. Behind nginx on the same host: loopback only, so nobody but the proxy can
# reach gunicorn and forge X-Forwarded-* headers. GUNICORN_BIND wins (e.g. unix:/run/portal/web.sock).
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('WEB_PORT', '8000')}"

# gthread: each worker process serves GUNICORN_THREADS requests at once. A slow client (a 25 MB
# upload over a school's poor line) ties up one thread, not a whole process, and the worker keeps
# telling the master it is alive, so it is not killed mid-upload as a sync worker would be after
# `timeout` seconds. Behind nginx, which buffers whole request bodies, slow uploads never reach
# gunicorn at all; gthread is what keeps `make prod` and the Procfile (no proxy) safe too.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))  # about 1 per CPU core: PDF and ZIP work is CPU-bound
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# A worker whose main loop has been silent this long is stuck: the master kills and replaces it.
# With gthread this is not a limit on one request's length. Longer than the slowest legitimate
# page (a portfolio PDF of a large school takes seconds; 120 s leaves room), shorter than a
# person's patience with a hung process.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# On restart or deploy, requests in flight get this long to finish before their worker is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep connections from nginx open between requests (nginx's upstream keepalive).
keepalive = 5

# Recycle each worker after about this many requests (guards against slow memory growth, e.g. in
# WeasyPrint). A new worker imports Django and the portal afresh: about 1.3 s of CPU on the
# benchmark machine (issue 20). At the old 1,000 that was 1.3 ms of CPU a request, as much as a
# whole cached page, and with a jitter of only 100 the two workers, sharing the traffic evenly,
# reached their limits together and restarted together: wrk measured the sign-in page at half the
# throughput it has without recycling. 10,000 makes it a tenth of that; a jitter of half the limit
# spreads the workers' restarts apart.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 2

# Trust X-Forwarded-Proto/For only from the proxy (nginx on this host). Django decides HTTPS from
# X-Forwarded-Proto itself (BEHIND_TLS_PROXY) and the client address from X-Forwarded-For
# (PROXY_COUNT); this is gunicorn's own check of the same headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log to stdout (journald under systemd) with the request ID the portal returns (the
# proxy's X-Request-ID or its own), the time taken in ms, and no query strings (they can carry
# search terms typed by people).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn 25.1+ opens a control socket by default, in $XDG_RUNTIME_DIR or $HOME/.gunicorn/:
# one shared path for every instance a user runs (two instances would fight over it), and an
# open door to "reload" or "shutdown" for anything running as that user. Off, unless a path for
# this instance is given.
control_socket_path = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if control_socket_path:
    control_socket = control_socket_path
    control_socket_mode = 0o600
else:
    control_socket_disable = True

# Workers' heartbeat files in memory, not on a disk that may stall (the usual container advice).
# gunicorn creates them with mkstemp (private names, mode 0600), so a shared folder is safe.
_SHM = "/dev/shm"  # noqa: S108 - see above
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else tempfile.gettempdir()

# Request line and header limits: gunicorn's defaults (4094 bytes, 100 fields, 8190 bytes).
# Bodies are limited by nginx (client_max_body_size) and by Django.
