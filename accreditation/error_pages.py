"""The pages Django shows when it refuses a request itself: 400, 403 (and a missing CSRF token),
404 and 500, each saying what to do next."""

from django.shortcuts import render


def not_found(request, exception=None):
    """A signed-in person refused a page of the portal (another school's object, or a guess)
    leaves a trace; repeated, it alerts the H&W team (accreditation.probes)."""
    from django.urls import Resolver404, resolve

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        try:
            resolve(request.path_info)
        except Resolver404:
            pass  # not a page of the portal at all: a typo, not a request for someone's object
        else:
            from .probes import record_not_found

            record_not_found(user=user, path=request.get_full_path())
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def bad_request(request, exception=None):
    """A request Django refused before any view saw it; say what to do rather than a bare 400."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        heading = "Too many files at once"
        message = f"You can upload up to {limit} files at a time. Nothing has been uploaded."
        advice = "Go back and choose fewer files, then upload the rest in another go."
    elif isinstance(exception, (TooManyFieldsSent, RequestDataTooBig)):
        heading = "The form sent too much"
        message = "The form sent more than the portal accepts in one go. Nothing has been saved."
        advice = "Go back and try again with less."
    else:
        heading = "Something was wrong with the request"
        message = "The portal could not read what your browser sent. Nothing has been saved."
        advice = "Go back and try again."
    context = {"heading": heading, "message": message, "advice": advice, "back": request.path}
    return render(request, "errors/400.html", context, status=400)


def csrf_failure(request, reason=""):
    """A form sent without its security token (an old tab, or another site posting): nothing saved."""
    return render(request, "errors/403_csrf.html", {"back": request.path}, status=403)
