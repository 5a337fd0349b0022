from accreditation.home import Panel
from accreditation.permissions import is_hw_admin
from schools.selectors import school_for_user


def school_panel(user):
    school = school_for_user(user)
    if school is None:
        return None
    return Panel(title="Training", template="portfolios/training/home_panel.html", context={"school": school}, order=13)


def admin_panel(user):
    if not is_hw_admin(user):
        return None
    return Panel(title="Training and strategy", template="portfolios/training/home_admin_panel.html", order=3)
