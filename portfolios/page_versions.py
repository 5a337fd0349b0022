"""Which school each cached portfolio page belongs to, and its access rule (issue 20).

`schools.versions.cached_render` reads the version first (with the school's id), then asks the
view's own access rule on every request, for the school the version names; the view itself runs
only when the page is not in the cache (and asks again, loading what it shows)."""

from django.http import Http404

from schools.versions import version_for
from schools.versions.log import school_id_of, version_for_school_of

from .action_plans.permissions import can_view_plan_of
from .models import Application
from .permissions import can_view_portfolio_of


def of_application(request, pk):
    """An application's pages: its school's version, found with the application in one query."""
    return version_for_school_of(Application, pk)


def of_school(request, school_id):
    return version_for(school_id)


def may_see_application(request, version, pk):
    """The rule of `selectors.application_get_for_user`: the school's portfolio (404 otherwise)."""
    if not can_view_portfolio_of(request.user, school_id_of(version)):
        raise Http404("No such application")


def may_see_portfolio(request, version, school_id):
    """The rule of `selectors.school_for_portfolio`."""
    if not can_view_portfolio_of(request.user, school_id_of(version)):
        raise Http404("No such school")


def may_see_plan(request, version, school_id):
    """The rule of `action_plans.selectors.school_plan_for`."""
    if not can_view_plan_of(request.user, school_id_of(version)):
        raise Http404("No such school")
