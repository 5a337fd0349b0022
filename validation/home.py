from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accreditation.home import NavItem, Panel, page_links_for
from accreditation.permissions import is_hw_admin
from schools.models import Registration
from schools.selectors import school_for_user

from . import further_information, selectors
from .models import Award, Decision
from .permissions import can_manage_group, can_manage_meetings, is_validator


def admin_panel(user):
    if not is_hw_admin(user):
        return None
    return Panel(
        title="Running the scheme",
        template="validation/home_admin_panel.html",
        context={
            "pending_registrations": Registration.objects.filter(status=Registration.Status.PENDING).count(),
            "next_meeting": selectors.next_meeting(),
            "waiting_for_meeting": selectors.applications_waiting_for_meeting().count(),
            "feedback_to_release": selectors.decisions_waiting_release(),
            "reporting": page_links_for("admin_home", user),
            "further_overdue": list(further_information.overdue_requests(as_of=timezone.localdate())),
        },
        order=1,
    )


def validator_panel(user):
    if not is_validator(user):
        return None
    member = selectors.member_for_user(user)
    return Panel(
        title="Validating group",
        template="validation/home_validator_panel.html",
        context={
            "member": member,
            "next_meeting": selectors.next_meeting(),
            "reviews": selectors.reviews_for_user(user),
        },
        order=5,
    )


def school_panel(user):
    """The school's accreditation: its current award and certificate, and released feedback."""
    school = school_for_user(user)
    if school is None:
        return None
    released = (
        Decision.objects.filter(application__school=school, released_at__isnull=False)
        .select_related("meeting")
        .order_by("-released_at")
        .first()
    )
    award = selectors.current_award(school)
    today = timezone.localdate()
    lapsed = None
    if award is None:
        lapsed = Award.objects.filter(school=school, status=Award.Status.LAPSED).order_by("-expires_on").first()
    further = selectors.further_information_open(school)
    return Panel(
        title="Your accreditation",
        template="validation/home_school_panel.html",
        context={
            "school": school,
            "award": award,
            "expiring": award is not None and award.expires_on <= today + relativedelta(months=6),
            "lapsed": lapsed,
            "feedback": released,
            "further": further,
            "further_overdue": further is not None and further.information_due_on < today,
        },
        order=12,
    )


def nav(user):
    items = []
    if can_manage_group(user):
        items.append(NavItem("Validating group", reverse("validation:group"), order=60))
    if can_manage_meetings(user) or is_validator(user):
        items.append(NavItem("Meetings", reverse("validation:meetings"), order=61))
    if is_validator(user):
        items.append(NavItem("Your reviews", reverse("validation:reviews"), order=62))
    if is_validator(user):
        items.append(NavItem("Your group profile", reverse("validation:profile"), order=63))
    return items
