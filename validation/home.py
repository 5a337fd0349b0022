from accreditation.home import Panel
from accreditation.permissions import is_hw_admin
from schools.models import Registration

from .models import GroupMember
from .permissions import is_validator


def admin_panel(user):
    if not is_hw_admin(user):
        return None
    return Panel(
        title="Running the scheme",
        template="validation/home_admin_panel.html",
        context={"pending_registrations": Registration.objects.filter(status=Registration.Status.PENDING).count()},
        order=1,
    )


def validator_panel(user):
    if not is_validator(user):
        return None
    member = GroupMember.objects.select_related("team").get(user=user)
    return Panel(
        title="Validating group", template="validation/home_validator_panel.html", context={"member": member}, order=5
    )
