from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .permissions import is_hw_admin


def admin_required(view):
    """Pages for the H&W team only: sign in first, then 403 for anyone else."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_hw_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
