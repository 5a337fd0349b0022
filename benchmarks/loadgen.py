"""A small HTTP load generator for the benchmark: threads, http.client, loopback only.

Each client is a thread with its own connection, kept alive while the server allows it (gunicorn's
sync workers close after each response, so the client reconnects: that cost is part of the
figure, as it would be for a browser talking to them). Runs stop at a request count or a time
limit, whichever comes first.
"""

import http.client
import re
import statistics
import threading
import time
from http.cookies import SimpleCookie

LOOPBACK = "127.0.0.1"


class Session:
    """One person's cookies on the benchmark server."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def remember(self, response):
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=120)
        try:
            all_headers = {"Cookie": self.header(), **(headers or {})}
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            self.remember(response)
            return response.status, response.headers, data
        finally:
            conn.close()

    def csrf_token(self, path) -> str:
        status, _, body = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"No form at {path} (status {status})")
        return match.group(1).decode()

    def post_form(self, path, fields: dict):
        from urllib.parse import urlencode

        fields = {"csrfmiddlewaretoken": self.csrf_token(path), **fields}
        return self.request("POST", path, urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded"})


def sign_in(port, email, password, code_for=None) -> Session:
    """Sign in through the portal's own form (and its second-factor page, with a code computed by
    `code_for()` from the seeded authenticator key)."""
    session = Session(port)
    status, headers, _ = session.post_form("/accounts/sign-in/", {"username": email, "password": password})
    if status != 302:
        raise RuntimeError(f"Sign-in as {email} failed (status {status})")
    if code_for is not None:
        status, headers, _ = session.post_form("/accounts/two-factor/", {"code": code_for()})
        if status != 302 or "two-factor" in headers.get("Location", ""):
            raise RuntimeError(f"Second factor for {email} refused (status {status})")
    return session


def run(port, path, *, session: Session | None, clients: int, max_requests: int, max_seconds: float, warmup=3):
    """Median and p95 latency (ms) and throughput (requests/s) of GET `path` with `clients` threads;
    "samples" holds every latency (seconds), for `combine`."""
    cookie = session.header() if session else ""
    headers = {"Cookie": cookie} if cookie else {}
    for _ in range(warmup):
        Session(port).request("GET", path, headers=headers)
    latencies, statuses, lock = [], {}, threading.Lock()
    issued = [0]
    deadline = time.perf_counter() + max_seconds

    def client():
        conn = None
        while True:
            with lock:
                if issued[0] >= max_requests or time.perf_counter() > deadline:
                    break
                issued[0] += 1
            if conn is None:
                conn = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = None
                with lock:
                    statuses["error"] = statuses.get("error", 0) + 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.will_close:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return _summary(clients, latencies, wall, {str(k): v for k, v in statuses.items()})


def _summary(clients, latencies, wall, statuses) -> dict:
    latencies = sorted(latencies)
    return {
        "clients": clients,
        "requests": len(latencies),
        "seconds": round(wall, 2),
        # Two decimals: a floor of about 1 ms rounded to tenths moves a ratio against it by up to 5%.
        "median_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 2) if latencies else None,
        "throughput_rps": round(len(latencies) / wall, 1) if wall else None,
        "statuses": statuses,
        "samples": latencies,
    }


def combine(results: list[dict]) -> dict:
    """Several runs of one path as one: every latency together, throughput over their total time."""
    statuses: dict[str, int] = {}
    for result in results:
        for status, count in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return _summary(
        results[0]["clients"],
        [sample for result in results for sample in result["samples"]],
        sum(result["seconds"] for result in results),
        statuses,
    )
