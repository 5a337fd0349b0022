"""Page weight as Chromium sees it: bytes transferred on a first visit and on a repeat visit.

`measure(browser, base_url, path, cookies)` opens `path` in a fresh browser context (empty cache),
then opens it again in the same context, and sums each response's `encodedDataLength` from the
Chrome DevTools Protocol's Network.loadingFinished events: bytes on the wire after compression,
headers included; a file served from the browser's cache transfers 0. Used by `run.py` (against
gunicorn with production settings) and by `tests/test_page_weight.py` (the budget as a test).
"""

FIRST_VISIT_BUDGET = 150 * 1024  # issue 20: first visit to the task list under 150 KB transferred
REPEAT_VISIT_BUDGET = 20 * 1024  # and a repeat visit under 20 KB (immutable, hashed static files)


def _visit(page, cdp, url) -> list[dict]:
    requests, finished = {}, []

    def on_response(event):
        response = event["response"]
        requests[event["requestId"]] = {
            "url": response["url"],
            "status": response["status"],
            "from_cache": bool(response.get("fromDiskCache") or response.get("fromMemoryCache")),
            "encoding": {k.lower(): v for k, v in response.get("headers", {}).items()}.get("content-encoding", ""),
            "cache_control": {k.lower(): v for k, v in response.get("headers", {}).items()}.get("cache-control", ""),
        }

    def on_finished(event):
        finished.append((event["requestId"], event["encodedDataLength"]))

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # module imports finish after load
    cdp.remove_listener("Network.responseReceived", on_response)
    cdp.remove_listener("Network.loadingFinished", on_finished)
    out = []
    for request_id, size in finished:
        entry = dict(requests.get(request_id, {"url": "?", "status": None}))
        entry["bytes"] = int(size)
        out.append(entry)
    return out


def measure(browser, base_url: str, path: str, cookies: list[dict] | None = None) -> dict:
    """First and repeat visit to `path`: total bytes and each resource."""
    context = browser.new_context(base_url=base_url, locale="en-GB")
    try:
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        first = _visit(page, cdp, base_url + path)
        repeat = _visit(page, cdp, base_url + path)
    finally:
        context.close()
    return {
        "path": path,
        "first_visit_bytes": sum(r["bytes"] for r in first),
        "repeat_visit_bytes": sum(r["bytes"] for r in repeat),
        "first_visit": first,
        "repeat_visit": repeat,
        "first_visit_budget": FIRST_VISIT_BUDGET,
        "repeat_visit_budget": REPEAT_VISIT_BUDGET,
    }
