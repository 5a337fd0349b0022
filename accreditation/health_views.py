"""Health checks over HTTP: /healthz (every dependency, for people), /healthz/live and
/healthz/ready (for load balancers; HealthProbeMiddleware answers those two before the rest of the
middleware chain)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@require_GET
@never_cache
def healthz(request):
    report = health.check_all()
    return JsonResponse(report, status=200 if report["ok"] else 503)


@require_GET
@never_cache
def healthz_live(request):
    """The process answers: no database, no broker. Restart the process if this fails."""
    return JsonResponse({"ok": True})


@require_GET
@never_cache
def healthz_ready(request):
    """The process can do its work; take it out of the pool (503) while it cannot."""
    report = health.check_ready()
    return JsonResponse(report, status=200 if report["ok"] else 503)
