from django.urls import reverse

from accreditation.home import NavItem, Panel
from accreditation.permissions import is_hw_admin
from schools.selectors import school_for_user

from . import selectors
from .advice import selectors as advice_selectors
from .models import Application


def school_panel(user):
    school = school_for_user(user)
    if school is None:
        return None
    application = selectors.open_application(school)
    context = {"school": school, "application": application, "previous_award": selectors.previous_award(school)}
    if application is not None and application.is_editable:
        rows = selectors.task_list(application)
        editable = [r for r in rows if r.response.is_editable]
        context["to_do"] = sum(1 for r in editable if not r.status.endswith(("Ready", "ready")))
        context["editable_count"] = len(editable)
    return Panel(title="Your portfolio", template="portfolios/home_panel.html", context=context, order=11)


def admin_panel(user):
    if not is_hw_admin(user):
        return None
    waiting = Application.objects.filter(state=Application.State.SUBMITTED).count()
    advice = len(advice_selectors.open_requests())
    context = {"waiting": waiting, "advice_waiting": advice}
    return Panel(title="Portfolios", template="portfolios/home_admin_panel.html", context=context, order=2)


def nav(user):
    if is_hw_admin(user):
        return [
            NavItem("Portfolios", reverse("portfolios:admin_schools"), order=20),
            NavItem("Guidance", reverse("portfolios:guidance_manage"), order=21),
            NavItem("Good practice", reverse("portfolios:good_practice"), order=22),
        ]
    school = school_for_user(user)
    if school is not None:
        return [
            NavItem("Portfolio", reverse("portfolios:school", args=[school.pk]), order=20),
            NavItem("Guidance", reverse("portfolios:guidance"), order=21),
            NavItem("Good practice", reverse("portfolios:good_practice"), order=22),
        ]
    return []
