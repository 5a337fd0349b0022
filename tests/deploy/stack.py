"""The production stack for deployment tests: collectstatic, gunicorn with gunicorn.conf.py and
production settings on the test database, and Debian's nginx with deploy/nginx.conf in front
(the real file, with only host-specific values swapped for the test's)."""

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "portal.example.gov.uk"
GUNICORN_PORT, NGINX_HTTP_PORT, NGINX_HTTPS_PORT = 18401, 18480, 18443


def production_env(database_url, tmp, **extra):
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DEBUG", "SENTRY_"))}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "accreditation.settings",
        "DEBUG": "false",
        "SECRET_KEY": "deploy-test-" + "s" * 40,
        "ALLOWED_HOSTS": HOST,
        "BEHIND_TLS_PROXY": "true",
        "PROXY_COUNT": "1",
        "DATABASE_URL": database_url,
        "EMAIL_URL": "consolemail://",
        "PRIVATE_MEDIA_ROOT": str(tmp / "private-media"),
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "SITE_URL": f"https://{HOST}",
        # Production refuses to start without a virus scanner; none answers here, so uploads wait in
        # "being checked" (never released unscanned), which these checks do not look at.
        "CLAMAV_SOCKET": str(tmp / "no-clamd.sock"),
        **extra,
    }


def database_url_of(connection):
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def wait_for_port(port, process, timeout=30, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited: {Path(log).read_text() if log else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listening on {port}")


class Stack:
    def __init__(self, tmp, database_url):
        self.tmp, self.database_url = tmp, database_url
        self.env = production_env(database_url, tmp)
        self.processes = []
        self.gunicorn_log = tmp / "gunicorn-access.log"

    # -- gunicorn, exactly as the Procfile and systemd start it (gunicorn.conf.py)
    def collectstatic(self, static_root):
        self.env["STATIC_ROOT"] = str(static_root)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
        )

    def start_gunicorn(self):
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{GUNICORN_PORT}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_ACCESS_LOG": str(self.gunicorn_log),
        }
        log = self.tmp / "gunicorn.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "accreditation.wsgi", "--config", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        self.gunicorn = process
        wait_for_port(GUNICORN_PORT, process, log=log)
        return process

    # -- nginx with deploy/nginx.conf
    def site_conf(self):
        conf = (BASE_DIR / "deploy" / "nginx.conf").read_text()
        swaps = {
            "listen 80 default_server;": f"listen 127.0.0.1:{NGINX_HTTP_PORT} default_server;",
            "listen [::]:80 default_server;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{NGINX_HTTPS_PORT} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{GUNICORN_PORT};",
            "/etc/ssl/portal/fullchain.pem": str(self.tmp / "cert.pem"),
            "/etc/ssl/portal/privkey.pem": str(self.tmp / "key.pem"),
            "/srv/portal/deploy/error-pages/": str(BASE_DIR / "deploy" / "error-pages") + "/",
            "/srv/portal/staticfiles/": self.env["STATIC_ROOT"] + "/",
            "/var/log/nginx/portal.access.log": str(self.tmp / "nginx-access.log"),
            f"https://{HOST}$request_uri": f"https://{HOST}:{NGINX_HTTPS_PORT}$request_uri",
        }
        for old, new in swaps.items():
            assert old in conf, f"deploy/nginx.conf no longer has {old!r}: update the test's swaps"
            conf = conf.replace(old, new)
        return conf

    def start_nginx(self):
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}"),
                *("-keyout", str(self.tmp / "key.pem"), "-out", str(self.tmp / "cert.pem")),
            ],
            check=True,
            capture_output=True,
        )
        (self.tmp / "site.conf").write_text(self.site_conf())
        temp = self.tmp / "nginx-temp"
        temp.mkdir(exist_ok=True)
        user = "user root;" if os.geteuid() == 0 else ""
        (self.tmp / "nginx.conf").write_text(
            f"""{user}
daemon off;
worker_processes 1;
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/nginx-error.log info;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.tmp}/site.conf;
}}
"""
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        test = subprocess.run([nginx, "-t", "-c", str(self.tmp / "nginx.conf")], capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        process = subprocess.Popen(
            [nginx, "-c", str(self.tmp / "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        wait_for_port(NGINX_HTTPS_PORT, process, log=self.tmp / "nginx-error.log")
        return process

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def stop_gunicorn(self):
        self.gunicorn.send_signal(signal.SIGTERM)
        self.gunicorn.wait(timeout=30)


# ----------------------------------------------------------------------------- a small browser


class Session:
    """Cookies, CSRF and multipart over http.client, through nginx (TLS) or straight to gunicorn."""

    def __init__(self, *, via_nginx=True, source_address=None):
        self.via_nginx, self.source_address = via_nginx, source_address
        self.cookies = {}

    def connection(self, timeout=120):
        if self.via_nginx:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(
                "127.0.0.1", NGINX_HTTPS_PORT, context=context, timeout=timeout, source_address=self.source_address
            )
        return http.client.HTTPConnection("127.0.0.1", GUNICORN_PORT, timeout=timeout)

    def headers(self, extra=None):
        headers = {"Host": HOST, "Referer": f"https://{HOST}/"}
        if not self.via_nginx:
            headers["X-Forwarded-Proto"] = "https"  # as a TLS proxy would say
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def keep_cookies(self, response):
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()

    def get(self, path, headers=None):
        conn = self.connection()
        conn.request("GET", path, headers=self.headers(headers))
        response = conn.getresponse()
        body = response.read()
        self.keep_cookies(response)
        conn.close()
        return response, body.decode("utf-8", "replace")

    def csrf_token(self, path):
        response, page = self.get(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, f"no form at {path}: {response.status} {response.getheader('Location')} {page[:300]}"
        return found.group(1)

    def post(self, path, fields, *, files=(), seconds=0.0, headers=None, declared_length=None):
        """POST multipart/form-data; with `seconds`, the body is sent evenly over that long."""
        boundary = uuid.uuid4().hex
        body = b""
        for name, value in fields:
            body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, filename, content_type, data in files:
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {content_type}\r\n\r\n"
                ).encode()
                + data
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        conn = self.connection()
        conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        all_headers = self.headers(
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(declared_length or len(body)),
                **(headers or {}),
            }
        )
        for name, value in all_headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        try:
            if seconds:
                chunks = 90
                size = -(-len(body) // chunks)
                for start in range(0, len(body), size):
                    conn.send(body[start : start + size])
                    time.sleep(seconds / chunks)
            else:
                conn.send(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the server answered before the body ended (the 413 case): read its answer
        response = conn.getresponse()
        page = response.read().decode("utf-8", "replace")
        self.keep_cookies(response)
        conn.close()
        return response, page

    def sign_in(self, email, password):
        token = self.csrf_token("/accounts/sign-in/")
        response, page = self.post(
            "/accounts/sign-in/", [("csrfmiddlewaretoken", token), ("username", email), ("password", password)]
        )
        errors = re.findall(r"govuk-error-summary__list.*?</ul>", page, re.S)
        assert response.status == 302, f"sign-in answered {response.status}: {errors or page[:300]}"
        return response
