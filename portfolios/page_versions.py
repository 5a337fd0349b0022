"""Which school each cached portfolio page belongs to, and its access rule (issue 20).

`schools.versions.cached_render` reads the version first, then asks the view's own access rule on
every request; the view itself runs only when the page is not in the cache."""

from schools.versions import version_for
from schools.versions.log import version_for_school_of

from .models import Application


def of_application(request, pk):
    """An application's pages: its school's version, found with the application in one query."""
    return version_for_school_of(Application, pk)


def of_school(request, school_id):
    return version_for(school_id)


def may_see_application(request, pk):
    from .selectors import application_get_for_user

    application_get_for_user(request.user, pk)


def may_see_portfolio(request, school_id):
    from .selectors import school_for_portfolio

    school_for_portfolio(request.user, school_id)


def may_see_plan(request, school_id):
    from .action_plans.selectors import school_plan_for

    school_plan_for(request.user, school_id)
