import time
from urllib.parse import urlencode

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from . import audit, services
from .compiled import CompiledQuery, attnames
from .templatetags.portal import drawn_once

SESSION_STARTED = "_session_started"
SESSION_LAST_SEEN = "_session_last_seen"
# Write "last seen" at most this often, so a busy page does not save the session every request.
LAST_SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Sign people out after 30 idle minutes, and 12 hours after they signed in, whatever."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED)
            last_seen = request.session.get(SESSION_LAST_SEEN, started)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if started is None:
                request.session[SESSION_STARTED] = request.session[SESSION_LAST_SEEN] = now
            elif now - last_seen > idle or now - started > absolute:
                logout(request)
                messages.info(request, "You were signed out because your session timed out. Please sign in again.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
            elif now - last_seen > LAST_SEEN_RESOLUTION:
                request.session[SESSION_LAST_SEEN] = now
                services.session_seen(session_key=request.session.session_key)
        return self.get_response(request)


class RequestContextMiddleware:
    """Make the client's address known to the audit trail for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            audit.current_ip.reset(token)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT trusted proxies the entry of
    X-Forwarded-For the outermost trusted proxy appended (what a client writes there is ignored).
    django-axes asks this too (AXES_CLIENT_IP_CALLABLE), so lockouts and the audit agree."""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class SecondFactorMiddleware:
    """Until a person who needs a second factor has given one this session, the only pages they
    can reach are setting it up, entering a code, and signing out."""

    OPEN_VIEWS = {"logout", "two_factor_setup", "two_factor_verify", "recovery_codes", "locked_out"}
    # Not in the accounts namespace, and nothing behind sign-in: probes and files for robots.
    OPEN_PUBLIC_VIEWS = {"healthz", "healthz_live", "healthz_ready", "security_txt", "robots_txt", "contact"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from .permissions import second_factor_gate

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match and match.namespace == "accounts" and match.url_name in self.OPEN_VIEWS:
            return None
        if match and match.url_name in self.OPEN_PUBLIC_VIEWS:
            return None
        required, has_device = second_factor_gate(user)
        if not required:
            return None
        target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class HTMLGZipMiddleware(GZipMiddleware):
    """Compress HTML pages, nothing else (issue 20's page weight: a task list is about a fifth of
    its size gzipped). Static files come pre-compressed from WhiteNoise; evidence downloads, PDFs
    and CSVs stream as they are (compressing a PDF gains nothing and would drop Content-Length).
    Django's GZipMiddleware adds random bytes to each response against BREACH, and CSRF tokens are
    masked per response."""

    def process_response(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)


# ----------------------------------------------------------------------------- issue 24: operations


class HealthProbeMiddleware:
    """First in the chain: /healthz/live and /healthz/ready answer load-balancer probes made by IP
    over plain HTTP with 200/503, before the HTTPS redirect (SecurityMiddleware) and the host
    check (ALLOWED_HOSTS, asked by CommonMiddleware) could turn them into 301 or 400. They read
    nothing from the request, so skipping the rest of the chain is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import health_views

        probe = {"/healthz/live": health_views.healthz_live, "/healthz/ready": health_views.healthz_ready}.get(
            request.path_info
        )
        if probe is not None:
            return probe(request)
        return self.get_response(request)


class RequestIdMiddleware:
    """Gives each request its ID (the proxy's X-Request-ID if sane, else a new one) for the logs,
    the audit trail and the tasks it queues, and returns it in the X-Request-ID header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .observability import REQUEST_ID_HEADER, current_request_id, request_id_from

        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


# ----------------------------------------------------------------------------- issue 23: hardening


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than the portal ever accepts, before a byte
    of it is read (no worker time, no temporary file). The proxy has its own cap (nginx's
    client_max_body_size); this one holds when the app is reached directly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.REQUEST_BODY_MAX_BYTES
        if declared > limit:
            from django.shortcuts import render

            from .uploads_temp import human_size

            response = render(
                request,
                "errors/400.html",
                {
                    "heading": "What you sent is too large",
                    "message": f"The portal accepts up to {human_size(limit)} in one go. Nothing has been uploaded.",
                    "advice": f"Go back and send fewer files at a time; each file must be smaller than "
                    f"{human_size(settings.EVIDENCE_MAX_FILE_BYTES)}.",
                    "back": request.path,
                },
                status=413,
            )
            # The body was not read: close the connection rather than let the client keep sending.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


# What the portal uses of the browser's powerful features: nothing.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
        "interest-cohort",
    )
)


class PrivacyHeadersMiddleware:
    """Every response says which browser features it may use (none); a signed-in person's HTML
    page is never stored by the browser or a shared cache (the back button after signing out on a
    shared school computer shows nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and user is not None and user.is_authenticated:
            cache_control = response.get("Cache-Control", "")
            if "no-store" not in cache_control or "private" not in cache_control:
                response["Cache-Control"] = "no-store, private"
        return response


class PortalOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, loading the session's verified device with SQL compiled once per
    device model (`accreditation.compiled`) instead of building the query on every request of a
    validator or an admin (issue 20). The rules are django-otp's own: an unknown or malformed
    device id is no device, and the middleware then checks the device is the person's and confirmed."""

    _queries: dict = {}  # {device model: (CompiledQuery, its columns)}

    def _device_from_persistent_id(self, persistent_id: str):
        from django.apps import apps

        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        try:
            model = apps.get_model(label)
            device_id = int(device_id)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device) or not 0 < device_id <= 2**63 - 1:
            return None
        if model not in self._queries:
            fields = attnames(model)
            self._queries[model] = (
                CompiledQuery(lambda pk: model.objects.filter(id=pk).values_list(*fields)),
                fields,
            )
        query, fields = self._queries[model]
        found = query.rows(device_id)
        return model.from_db("default", fields, found[0]) if found else None


# What a view or template may set to change one response's policy (django-csp's decorators and
# request.csp_nonce); a response or request carrying any of them gets django-csp's own handling.
_CSP_PER_RESPONSE = tuple(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)


def _csp_headers() -> tuple:
    """(header, policy text, excluded path prefixes) for each policy the settings set."""
    headers = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        policy = build_policy(report_only=report_only)
        if policy:
            excluded = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
            headers.append((header, policy, excluded))
    return tuple(headers)


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the settings' policy written out once per process (issue 20).

    django-csp builds the header from CONTENT_SECURITY_POLICY on every response (the settings
    copied deep, each directive sorted and joined): about an eighth of the signed-out sign-in page's
    Python. The portal's policy is the settings' alone: no view changes it and no template asks
    for a nonce. So the header texts are built once (`drawn_once`, which draws afresh after any
    settings change), with django-csp's own `build_policy`, and set on each response. A response
    or request that does use django-csp's per-view decorators or a nonce goes through django-csp's
    own `process_response`, unchanged."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _CSP_PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # Django's debug pages, as django-csp leaves them
        for header, policy, excluded in drawn_once("content security policy headers", _csp_headers):
            if header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp does: asking for a nonce after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
