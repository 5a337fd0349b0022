from django.utils import timezone

from accreditation.home import Panel
from schools.selectors import school_for_user

from . import selectors


def school_panel(user):
    """The school's commitments on its home page: confirmed, due, or never confirmed."""
    school = school_for_user(user)
    if school is None:
        return None
    current = selectors.current_statement(school)
    context = {"school": school, "current": current, "due": selectors.is_due(current, timezone.localdate())}
    return Panel(
        title="Anti-bullying commitments", template="schools/commitments/home_panel.html", context=context, order=12
    )
